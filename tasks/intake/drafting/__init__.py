"""The drafting team's workspace (WEB.md `/gop-y`): comment groups per section, a group's
disposition in one action, near-duplicate suggestions the team accepts or dismisses."""
