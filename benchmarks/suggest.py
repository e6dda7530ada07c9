"""python -m benchmarks.suggest [--scale city] [--backend sqlite|postgresql] [--total N]

The near-duplicate suggestion pass of the drafting workspace (`/gop-y`) at a scale: every
section of the root's draft, cold (the rule computed: rapidfuzz cdist, one worker) and warm
(the per-section memo), on the demo dataset (built or reused under $DAIHOI_BENCH_DIR).

When the dataset holds fewer than `--total` comments needing an answer (WEB.md's figure is
100,000 for a city), the rule itself is also timed on `--total` texts drawn from the
dataset's own comments in the same per-section proportions, each rewritten a little (a word
dropped or repeated, case, a leading "Đề nghị"), so the blocks are as large as they would be.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import Counter
from typing import Any


def _rewrite(rng: random.Random, text: str) -> str:
    words = text.split()
    r = rng.random()
    if r < 0.25 and len(words) > 3:
        del words[rng.randrange(len(words))]
    elif r < 0.5:
        words.insert(rng.randrange(len(words) + 1), rng.choice(words))
    elif r < 0.75:
        words = ["Đề", "nghị", *words]
    out = " ".join(words)
    return out.upper() if rng.random() < 0.1 else out


def _synthetic(by_section: dict[int, list[str]], total: int) -> dict[int, list[str]]:
    rng = random.Random(13)
    have = sum(len(v) for v in by_section.values())
    out = {}
    for sid, texts in by_section.items():
        want = round(len(texts) * total / have)
        out[sid] = texts + [_rewrite(rng, rng.choice(texts)) for _ in range(want - len(texts))]
    return out


def suggestion_figures(total: int = 100_000) -> dict[str, Any]:
    from models.db import get_engine, read_session
    from models.queries import find_root
    from tasks.intake.drafting.near import components, token_set
    from tasks.intake.drafting.queries import draft_sections, scope_comments
    from tasks.intake.drafting.suggest import SuggestionMemo, suggestions
    from tasks.intake.exports.tiep_thu import draft_for_scope

    engine = get_engine()
    memo = SuggestionMemo()
    with read_session(engine) as s:
        root = find_root(s)
        draft = draft_for_scope(s, scope=root)
        ids = [x.id for x in draft_sections(s, draft_id=draft.id)]
        comments = scope_comments(s, draft_id=draft.id, scope=root)
        start, cpu = time.perf_counter(), time.process_time()
        cold = suggestions(s, draft_id=draft.id, scope=root, section_ids=ids, memo=memo)
        cold_s, cold_cpu = time.perf_counter() - start, time.process_time() - cpu
        start = time.perf_counter()
        suggestions(s, draft_id=draft.id, scope=root, section_ids=ids, memo=memo)
        warm_s = time.perf_counter() - start
    by_section: dict[int, list[str]] = {}
    for c in comments:
        if c.section_id is not None:
            by_section.setdefault(c.section_id, []).append(c.text)
    sizes = Counter({k: len(v) for k, v in by_section.items()})
    figures: dict[str, Any] = {
        "comments": len(comments),
        "sections": len(by_section),
        "largest_section": max(sizes.values(), default=0),
        "distinct_texts": sum(len({token_set(t) for t in v}) for v in by_section.values()),
        "suggestions": sum(len(v) for v in cold.values()),
        "pass_cold_s": cold_s,
        "pass_cold_cpu_s": cold_cpu,
        "pass_warm_s": warm_s,
    }
    if len(comments) < total and by_section:
        scaled = _synthetic(by_section, total)
        start, cpu = time.perf_counter(), time.process_time()
        found = sum(len(components(v)) for v in scaled.values())
        rule_s, rule_cpu = time.perf_counter() - start, time.process_time() - cpu
        figures.update(
            scaled_comments=sum(len(v) for v in scaled.values()),
            scaled_distinct_texts=sum(len({token_set(t) for t in v}) for v in scaled.values()),
            scaled_largest_section=max(len(v) for v in scaled.values()),
            scaled_suggestions=found,
            scaled_rule_s=rule_s,
            scaled_rule_cpu_s=rule_cpu,
        )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.suggest")
    parser.add_argument("--scale", default="city", choices=("committee", "city", "national"))
    parser.add_argument("--backend", default="sqlite", choices=("sqlite", "postgresql"))
    parser.add_argument("--total", type=int, default=100_000)
    args = parser.parse_args()
    from benchmarks.dataset import prepare

    prepare(args.scale, args.backend)
    figures = suggestion_figures(args.total)
    for key, value in figures.items():
        print(f"{key:>24}  {value:.2f}" if isinstance(value, float) else f"{key:>24}  {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
