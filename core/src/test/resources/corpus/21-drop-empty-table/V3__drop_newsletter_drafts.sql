DROP TABLE newsletter_drafts;
