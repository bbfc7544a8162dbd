-- Issue 13 item 4: a preset link selects prompts and resources as it selects tools. Empty = all.
-- allowed_resource_uris holds resource URIs and resource-template URIs (a concrete URI matching a listed
-- template is allowed).
ALTER TABLE preset_servers
  ADD COLUMN allowed_prompt_names  text[] NOT NULL DEFAULT '{}',
  ADD COLUMN allowed_resource_uris text[] NOT NULL DEFAULT '{}';
