-- a migration shipped by the test probe bundle: proves SchemaMigrations reads a foreign bundle's entries
CREATE TABLE itest_notes (id BIGSERIAL PRIMARY KEY, body TEXT NOT NULL);
