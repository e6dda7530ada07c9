"""The demo's scales and defaults, apart from the generator (the CLI's options name them without
loading it)."""

from __future__ import annotations

from datetime import date
from typing import Literal, get_args

Scale = Literal["committee", "city", "national"]
SCALES: tuple[Scale, ...] = get_args(Scale)
DEFAULT_DEMO_AS_OF = date(2025, 3, 15)
DEFAULT_DEMO_SEED = 2025
