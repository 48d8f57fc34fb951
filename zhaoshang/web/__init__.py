"""The office's read-only page (DESIGN §7): 报送情况, 项目看板, 报告, 退回文件, 入库记录, behind sign-in.

config.py reads the [web] settings; accounts.py holds password hashes and the sign-in throttle;
pages.py the page's queries (read-only, portable SQL); visibility.py who may see what;
app.py the FastAPI application; watch.py the inbox watcher that starts a pass once a file settles.
"""
