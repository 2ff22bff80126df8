-- tasks.count: how many tasks the tenant has. $1 tenant.
SELECT count(*) FROM tasks t WHERE t.user_id = $1::uuid
