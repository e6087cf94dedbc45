-- The lead page open on the consultant's screen (issue #19): while it is (its poll pushes this
-- a few seconds ahead), a new message or the lead turning hot is already in front of them,
-- and their phone is not buzzed for it.
alter table leads add column viewed_until timestamp with time zone;
