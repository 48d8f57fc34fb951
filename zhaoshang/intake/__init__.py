"""The intake: how a dropped file travels from the inbox to the warehouse.

inbox (folders, moves) → readers (bytes → cells, with safety bounds) → gate (staging, the
suites, the kinds' rules: the validation gate) → explain (the explanation workbook of a
refused file) → ingest (one pass: collect, check, store, tell the submitters).
"""
