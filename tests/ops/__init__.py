"""Installing and operating the app: packaging, configuration, one server per event, schema, backups."""
