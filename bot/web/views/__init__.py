"""The console's pages, one module per area (items, plans, calendar and dashboard, log,
channels, citizens' questions, reports, audit, sign-in): each view parses, checks the role,
calls the domain and renders or redirects."""
