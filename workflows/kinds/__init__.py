"""Process kinds. Each module describes one kind and registers it when imported (see WorkflowsConfig.ready)."""
