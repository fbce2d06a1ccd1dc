"""The start and login screens (SPEC L1–L6) and the flow that strings them together."""
