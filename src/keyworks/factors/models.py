"""Factor guarantees (要素保障清单): land, energy, water, environment, funding, labour."""
