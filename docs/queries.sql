-- Example queries over the DuckDB export of an output folder:
--   .venv/bin/python -m pipeline export outputs/txt --to duckdb   # outputs/exports/notices.duckdb
--   duckdb outputs/exports/notices.duckdb < docs/queries.sql
-- Tables: notices, catalogue_items, tasks, units, quantities (pipeline/export/tables.py
-- describes every column, and in DuckDB so does SELECT * FROM duckdb_columns()).
-- tests/test_export.py runs every query here on an export of samples/txt.

-- (1) 高龄津贴 (high-age allowance): the amounts each notice sets, per age bracket.
-- The bracket is the item's target group and its minimum age; an item that states no
-- amount still shows, with empty amount columns. Amounts keep the order of the text,
-- e.g. 100, 200, 500 for 80-89, 90-99 and 100 years and over.
SELECT n.region,
       n.date,
       c.name,
       c.target_group,
       c.min_age,
       q.position AS amount_no,
       q.value,
       q.unit,
       q.per,
       q.text
FROM catalogue_items AS c
JOIN notices AS n USING (notice_id)
LEFT JOIN quantities AS q ON q.record_id = c.id AND q.record_kind = 'catalogue'
WHERE c.name LIKE '%高龄%'
ORDER BY c.min_age NULLS LAST, n.region, c.id, q.position;

-- (2) Which units carry the most tasks: tasks each unit leads (牵头) or is responsible
-- for (责任), across all notices. Units are matched by name as printed, so 市民政局 of
-- two cities counts as one name.
SELECT u.unit,
       count(DISTINCT u.record_id) AS tasks,
       count(DISTINCT u.record_id) FILTER (WHERE u.role = 'lead') AS as_lead,
       count(DISTINCT u.record_id) FILTER (WHERE u.role = 'responsible') AS as_responsible,
       count(DISTINCT u.notice_id) AS notices
FROM units AS u
WHERE u.record_kind = 'task'
GROUP BY u.unit
ORDER BY tasks DESC, u.unit
LIMIT 10;

-- (3) Deadlines per region: in which years the tasks of each region fall due, how many
-- tasks by then, and which (numbers from the outermost task down: 2.5 is item 5 under item 2).
SELECT n.region,
       y.deadline_year,
       count(*) AS tasks,
       list(array_to_string(t.path, '.') ORDER BY t.notice_id, t.position) AS task_numbers
FROM tasks AS t
JOIN notices AS n USING (notice_id)
CROSS JOIN unnest(t.deadline_years) AS y(deadline_year)
GROUP BY n.region, y.deadline_year
ORDER BY n.region, y.deadline_year;
