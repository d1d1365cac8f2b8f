"""The reminder list (工作提醒清单): what needs each user's attention, computed from the data."""
