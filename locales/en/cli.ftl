## Command line (siaga / python -m bot): one line per operator problem, with its fix.

db-missing = The database { $path } does not exist. Check SIAGA_DB_PATH (in .env or the environment) or run from the folder that holds it; a new database is created by "{ $prog } run" or an import.
db-no-folder = The folder for the database { $path } does not exist. Create it (mkdir -p) owned by the user that runs the bot, or correct SIAGA_DB_PATH.
db-not-a-database = { $path } is not an SQLite database. Check SIAGA_DB_PATH, or restore the database from a backup (README: Backups).
db-corrupt = The database { $path } is damaged ({ $detail }). Stop the bot and restore it from a backup (README: Backups).
db-read-only = The database { $path } is read-only for this user. Run as the file's owner (e.g. sudo -u siaga …) or fix its permissions (chown/chmod).
db-no-access = The database { $path } cannot be opened ({ $detail }). Run as the file's owner (e.g. sudo -u siaga …) or fix the permissions of the file and its folder.
db-too-old = The database { $path } still has an older schema ({ $detail }). Start the bot once ("{ $prog } run") to upgrade it, then try again.
db-too-new = The database { $path } was written by a newer Siaga (schema { $found }, this version { $known }). Install the same or a newer Siaga.
cli-file-missing = The file { $path } does not exist. Check its name and folder.
cli-folder-missing = The folder { $path } does not exist. Create it first (mkdir -p { $path }) or choose another folder.
cli-token-refused = Telegram refused the token (revoked or mistyped). Get a new one from @BotFather and put it in SIAGA_BOT_TOKEN.
cli-webhook-in-dashboard = The webhook's path { $path } (SIAGA_WEBHOOK_URL) is also the dashboard's ({ $web }), on the same address and port. Give the webhook another path (e.g. /telegram) or the dashboard another port (SIAGA_WEB_PORT).
cli-port-overlap = The webhook ({ $webhook }) and the dashboard ({ $web }) both use port { $port }, and one of them listens on every address (0.0.0.0): the second server could not open. Give them the same address (SIAGA_WEB_LISTEN equal to SIAGA_WEBHOOK_LISTEN: one server serves both) or the dashboard another port (SIAGA_WEB_PORT).

## Roster and category imports

roster-import-refused-plain = Nothing was imported: { $errors } problems. Fix the file, then run again.
roster-sheet-read = Read from the sheet "{ $sheet }".
roster-trailer-ignored = Lines { NUMBER($first, useGrouping: 0) }–{ NUMBER($last, useGrouping: 0) } under the table were read as notes or a signature, not data: not imported.
roster-deactivation-refused = Nothing was imported: this file would deactivate { $count } of { $active } active personnel (more than 10%), among them: { $names }. Check that the file is complete; if it is right, run again with --allow-deactivate.
roster-dry-run = Dry run (--dry-run), nothing was written. If imported: { $added } new, { $updated } updated, { $unchanged } unchanged, { $deactivated } deactivated, { $reactivated } reactivated, { $skipped } problems.
roster-dry-run-deactivated = Would be deactivated ({ $count }), among them: { $names }.
categories-import-refused = No categories imported from { $file }: fix the lines above (columns: kode, nama, personel[, cadangan]) and run again.

## Backups

backup-exists = The backup file { $path } already exists and is not overwritten. Choose another name, or give a folder to have one made.

## Exports from the command line (command-line syntax, not /ekspor)

eks-cli-needs-id = Give its number with --id, e.g. { $prog } export { $kind } --id 5 --out results.xlsx
eks-cli-needs-dates = The audit log needs dates, e.g. { $prog } export audit --from 2024-02-01 --to 2024-02-14 --out audit.xlsx
eks-cli-range = Unknown date "{ $value }". Write YYYY-MM-DD, e.g. --from 2024-02-01 --to 2024-02-14
eks-cli-range-backwards = The range "{ $value }" is backwards: --to is before --from. E.g. --from 2024-02-01 --to 2024-02-14
eks-cli-format = Unknown format "{ $value }": use --format xlsx or --format csv.
eks-cli-not-audited = Note: this export is not in the audit log, because the database { $path } is read-only for this user.
