"""One module per form code of templates/forms/<code>.yaml (its importer), beside its store."""
