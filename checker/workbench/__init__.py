"""The rule workbench (`perfcheck serve`): policy staff change a rule or a profile setting in the
browser, see it validated and its own tests run as they type, see what it changes on a folder of
sample reports before saving, and save it safely. A top layer like checker/cli.py: nothing of
perfcheck imports it but the `serve` command."""
