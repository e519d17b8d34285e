-- Operators per office, with credentials an administrator sets.
--
-- office_code: the regency (PPRR, e.g. '3574') whose Disdukcapil office the operator works at, or
-- 'pusat' for Ditjen Dukcapil (national); kept for a later regional scope of the queue. NULL only
-- for a row this migration could not place (none of the seeded user names).
--
-- password_set_at: when `siak-mock operator add|passwd` or SIAK_MOCK_OPERATOR_PASSWORD set the
-- password (RFC 3339). NULL means the well-known development password (`serve --dev` seeds it),
-- or a password from before passwords were checked: such an operator may log in only in
-- development mode.
ALTER TABLE operators ADD COLUMN office_code TEXT;
ALTER TABLE operators ADD COLUMN password_set_at TEXT;

UPDATE operators SET office_code = CASE username
    WHEN 'operator.probolinggo' THEN '3574'
    WHEN 'operator.labura'      THEN '1223'
    WHEN 'operator.payakumbuh'  THEN '1376'
    WHEN 'operator.deliserdang' THEN '1207'
    WHEN 'operator.denpasar'    THEN '5171'
    WHEN 'operator.pusat'       THEN 'pusat'
END;
