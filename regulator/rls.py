"""Row-level security for tenant tables: the PostgreSQL backstop behind ``visible_to``.

Requests run as the unprivileged role ``regulator_scoped`` (``SET LOCAL ROLE``) with the ids of the
jurisdictions they may see in ``regulator.scope_ids``; the policy below lets that role touch only
rows of those jurisdictions. The connecting (owner) role is not subject to the policy, which is what
migrations, commands and the named ``rls_bypass`` rely on.
"""

from django.db import migrations

ROLE = "regulator_scoped"

SETUP_SQL = f"""
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{ROLE}') THEN
        CREATE ROLE {ROLE} NOLOGIN NOSUPERUSER NOBYPASSRLS NOINHERIT;
    END IF;
END
$$;
GRANT {ROLE} TO CURRENT_USER;
GRANT USAGE ON SCHEMA public TO {ROLE};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {ROLE};
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {ROLE};
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {ROLE};
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {ROLE};
CREATE OR REPLACE FUNCTION regulator_scope_ids() RETURNS bigint[]
    LANGUAGE sql STABLE
    AS $fn$ SELECT COALESCE(NULLIF(current_setting('regulator.scope_ids', true), ''), '{{}}')::bigint[] $fn$;
"""

TEARDOWN_SQL = f"""
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM {ROLE};
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM {ROLE};
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {ROLE};
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {ROLE};
REVOKE USAGE ON SCHEMA public FROM {ROLE};
DROP FUNCTION IF EXISTS regulator_scope_ids();
"""


def setup_scoped_role() -> migrations.RunSQL:
    return migrations.RunSQL(SETUP_SQL, TEARDOWN_SQL)


def tenant_rls(table: str, column: str = "jurisdiction_id") -> migrations.RunSQL:
    """Migration operation: enable the tenant policy on one table. Every tenant table needs it."""
    return migrations.RunSQL(
        f"""
        ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
        CREATE POLICY tenant_scope ON {table} TO {ROLE}
            USING ({column} = ANY (regulator_scope_ids()))
            WITH CHECK ({column} = ANY (regulator_scope_ids()));
        """,
        f"""
        DROP POLICY IF EXISTS tenant_scope ON {table};
        ALTER TABLE {table} DISABLE ROW LEVEL SECURITY;
        """,
    )
