-- pol--1.0.sql -- the SQL interface of the pol extension (pg/pol_pg.c; docs/scale.md).
\echo Use "CREATE EXTENSION pol" to load this file. \quit

-- Compiled policies (the bytes polc build writes), one row per name.  Every
-- backend and every replica reads policies from here; a statement trigger
-- tells every backend's cache when a row changes.
CREATE TABLE @extschema@.pol_policies (
    name      text PRIMARY KEY,
    bytecode  bytea NOT NULL,
    interface jsonb NOT NULL,          -- pol_check_bytecode(bytecode), at load
    loaded_at timestamptz NOT NULL DEFAULT now(),
    loaded_by name NOT NULL DEFAULT current_user
);
SELECT pg_catalog.pg_extension_config_dump('@extschema@.pol_policies', '');
GRANT SELECT ON @extschema@.pol_policies TO PUBLIC;

CREATE FUNCTION @extschema@.pol_policies_changed() RETURNS trigger
    AS 'MODULE_PATHNAME', 'pol_policies_changed' LANGUAGE C;
CREATE TRIGGER pol_policies_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON @extschema@.pol_policies
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.pol_policies_changed();

-- Checks compiled bytes and returns the policy's interface (inputs, outputs,
-- clauses).  Depends on its argument only: IMMUTABLE.
CREATE FUNCTION @extschema@.pol_check_bytecode(bytecode bytea) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'pol_check_bytecode'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- Stores (or replaces) a policy under a name; returns its title.
CREATE FUNCTION @extschema@.pol_load(name text, bytecode bytea) RETURNS text
    LANGUAGE sql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
    INSERT INTO @extschema@.pol_policies AS p (name, bytecode, interface)
    VALUES ($1, $2, @extschema@.pol_check_bytecode($2))
    ON CONFLICT (name) DO UPDATE
        SET bytecode = EXCLUDED.bytecode, interface = EXCLUDED.interface,
            loaded_at = now(), loaded_by = current_user
    RETURNING p.interface ->> 'policy';
$$;

-- Removes a policy; false when there was none of that name.
CREATE FUNCTION @extschema@.pol_unload(name text) RETURNS boolean
    LANGUAGE sql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
    WITH d AS (DELETE FROM @extschema@.pol_policies WHERE pol_policies.name = $1 RETURNING 1)
    SELECT count(*) > 0 FROM d;
$$;

REVOKE EXECUTE ON FUNCTION @extschema@.pol_load(text, bytea) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.pol_unload(text) FROM PUBLIC;

CREATE VIEW @extschema@.pol_loaded AS
    SELECT name,
           interface ->> 'policy' AS title,
           interface ->> 'source' AS source,
           jsonb_array_length(interface -> 'inputs') AS inputs,
           jsonb_array_length(interface -> 'outputs') AS outputs,
           octet_length(bytecode) AS bytes,
           encode(sha256(bytecode), 'hex') AS sha256,
           loaded_at, loaded_by
    FROM @extschema@.pol_policies;
GRANT SELECT ON @extschema@.pol_loaded TO PUBLIC;

-- The evaluators read pol_policies (through the backend's cache), so their
-- result can change between statements when a policy is reloaded: STABLE,
-- not IMMUTABLE.  They write nothing and keep only a per-backend cache:
-- PARALLEL SAFE, so a parallel sequential scan evaluates in every worker.
-- COST 100 (a hundred times a built-in operator): one evaluation takes a few
-- microseconds, and the planner must know it to choose a parallel plan.
-- allow_extra ignores scenario fields the policy does not declare (e.g.
-- to_jsonb(row) with an id column).

-- Every output as an exact JSON string: {"月缴费额": "382.55", ...}.
CREATE FUNCTION @extschema@.pol_eval(policy text, scenario jsonb, allow_extra boolean DEFAULT false)
    RETURNS jsonb AS 'MODULE_PATHNAME', 'pol_eval_jsonb'
    LANGUAGE C STABLE STRICT PARALLEL SAFE COST 100;

-- One output as numeric, built from libpol's exact text by numeric_in; a
-- rate as a decimal fraction (9.5% -> 0.095); NULL when the output does not
-- apply to the scenario or the notice does not state it.
CREATE FUNCTION @extschema@.pol_eval_numeric(policy text, scenario jsonb, output text, allow_extra boolean DEFAULT false)
    RETURNS numeric AS 'MODULE_PATHNAME', 'pol_eval_numeric_v'
    LANGUAGE C STABLE STRICT PARALLEL SAFE COST 100;

-- How each output was reached: rules, formulas, clauses, parameter versions.
CREATE FUNCTION @extschema@.pol_explain(policy text, scenario jsonb, allow_extra boolean DEFAULT false)
    RETURNS jsonb AS 'MODULE_PATHNAME', 'pol_explain_jsonb'
    LANGUAGE C STABLE STRICT PARALLEL SAFE COST 500;

-- The lenient pol_eval: {"outputs": {...}} or, for a bad scenario or a failed
-- output, {"error": {"kind", "field", "position", "clause", "message", "sqlstate"}}
-- instead of raising (an unknown policy still raises).
CREATE FUNCTION @extschema@.pol_try_eval(policy text, scenario jsonb, allow_extra boolean DEFAULT false)
    RETURNS jsonb AS 'MODULE_PATHNAME', 'pol_try_eval_jsonb'
    LANGUAGE C STABLE STRICT PARALLEL SAFE COST 100;

-- The policy's inputs (types, bounds, clauses) and outputs.
CREATE FUNCTION @extschema@.pol_interface(policy text) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'pol_interface_jsonb'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- This backend's cache (loads so far, cached names): per backend, so
-- VOLATILE and PARALLEL RESTRICTED.
CREATE FUNCTION @extschema@.pol_cache_stats() RETURNS jsonb
    AS 'MODULE_PATHNAME', 'pol_cache_stats'
    LANGUAGE C VOLATILE PARALLEL RESTRICTED;
