"""The admin area (/admin): users, partners, the audit trail, campaigns, integrations and the
review of proposals, each a blueprint of its own, with the forms it uses beside it."""
