-- Deliveries reach loopback, private and link-local addresses only for functions an administrator allowed to.
ALTER TABLE functions ADD COLUMN allow_private_network boolean NOT NULL DEFAULT false;
