"""The bi-monthly progress meeting (两个月一推进、较短比长): scores, rankings, red and black
lists."""
