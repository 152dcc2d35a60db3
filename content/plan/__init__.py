"""Plan reading: a plan file → text → the `Plan` (themes, forms, tasks, report duties, identity fields) → stored plan."""
