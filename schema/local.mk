# husk's own JSON Schemas of the documents it reads and writes; installed
# so that callers and packagers can validate against them.
schemadir = $(pkgdatadir)/schema
dist_schema_DATA = schema/config.schema.json schema/state.schema.json schema/features.schema.json
EXTRA_DIST += schema/README.md
