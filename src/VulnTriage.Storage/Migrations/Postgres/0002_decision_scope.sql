-- 0002: a selector decision applies only to hosts whose machine verdict needs action unless recorded with
-- --all-verdicts (1); older decisions get 0. The target column keeps what selectors look at on each host of a saved
-- run (JSON), for the `decide` preview. Twin of Migrations/Sqlite/0002_decision_scope.sql. (ADD COLUMN with a constant
-- default rewrites no row, so the append-only triggers do not fire.)
ALTER TABLE decisions ADD COLUMN all_verdicts smallint NOT NULL DEFAULT 0 CHECK (all_verdicts IN (0, 1));
ALTER TABLE run_findings ADD COLUMN target text;
