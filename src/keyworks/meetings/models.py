"""The weekly dispatch meeting (一星期一调度): agenda, decisions followed as tasks, minutes."""
