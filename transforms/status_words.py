"""The words every output uses for a status: the four of a due submission (DESIGN §5), keyed by
mart_submission.status, and what became of a file, keyed by ingested_file.status (the terminal's pass
report, the pass's Prefect artifact and the office's page all say the same)."""

STATUS_WORDS = {
    "on_time": "按时报送",
    "late": "逾期报送",
    "rejected": "已报送被退回（待更正）",  # something arrived, but every version so far was rejected
    "missing": "未报送",  # nothing arrived
}

FILE_STATUS_WORDS = {
    "loaded": "已入库",
    "rejected": "已退回",
    "duplicate": "重复（未再入库）",  # the same bytes as a file already taken: nothing loaded twice
    "superseded": "已被更正版本替代",
}
