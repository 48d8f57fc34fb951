"""Demo data: a realistic 2021 inbox for the three investment-promotion groups."""

from zhaoshang.demo.generate import DEMO_TODAY, write_demo_inbox

__all__ = ["DEMO_TODAY", "write_demo_inbox"]
