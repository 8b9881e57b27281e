CREATE INDEX sample_people_name ON sample_people (name);
