"""What-if scenarios: the levers (domain.scenario, with their link codec in
domain.scenario_link) transform the small baseline frames (kpis.scenario.transforms), never
the stored data, and the same KPI functions run on both (kpis.scenario.comparison)."""
