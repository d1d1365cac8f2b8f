"""Annual targets (年度目标): per project and year, reviewed item by item, versioned."""
