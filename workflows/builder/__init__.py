"""The playbook builder: the staff editor's typed forms, nested steps and paths, and saving.

One job per module: `lookups` reads what the pickers offer (once per page), `fields`
holds the shared pickers, `step_forms` and `branch_forms` the typed form of each step
kind, `registry` which form a kind gets (a JSON fallback for kinds without one),
`conditions` the condition rows, `tree` the nested steps as the page posts them,
`editor` puts them together and validates the whole graph, `saving` publishes it.
"""
