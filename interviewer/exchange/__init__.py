"""Field to central: study files, bundles (plain or encrypted), exact merging, conflicts."""
