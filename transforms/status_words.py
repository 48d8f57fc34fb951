"""The four words every output uses for a due submission (DESIGN §5), keyed by mart_submission.status."""

STATUS_WORDS = {
    "on_time": "按时报送",
    "late": "逾期报送",
    "rejected": "已报送被退回（待更正）",  # something arrived, but every version so far was rejected
    "missing": "未报送",  # nothing arrived
}
