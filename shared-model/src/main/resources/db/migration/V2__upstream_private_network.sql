-- Whether a server may reach private networks: only while an administrator set its URL or command. For the
-- others the gateway checks the address it actually connects to, on every connection (DNS rebinding).
ALTER TABLE upstream_servers ADD COLUMN private_network boolean NOT NULL DEFAULT false;
UPDATE upstream_servers s SET private_network = true
 WHERE s.transport = 'stdio'
    OR EXISTS (SELECT 1 FROM principals p WHERE p.id = s.owner_id AND p.is_admin);
