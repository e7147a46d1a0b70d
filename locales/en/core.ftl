## Gate, help, language, errors — English.

gate-not-registered = You are not registered yet. Open a private chat with the bot and send /start.
gate-not-registered-private = You are not registered in Siaga yet. Send /start to register with one tap.
gate-not-registered-group = You are not registered in Siaga yet. Open a private chat with the bot and send /start.
text-not-expected = The bot is not waiting for a message from you. Use the buttons on a message, or type /help to see the commands.
unknown-command = Unknown command. Type /help to see the commands you can use.
error-commander-only = This command is for commanders only.
error-admin-only = This command is for admins only.
error-private-only = /{ $command } is only used in a private chat with the bot, not in a group: nothing was changed. Open a private chat with the bot and type it there.
error-apology = Sorry, something went wrong while handling your request. The team has been told; please try again shortly.
error-apology-short = Sorry, something went wrong. Please try again.
button-invalid = This button is no longer valid.

help-title-stranger = <b>Siaga</b> — you are not registered yet. Available commands:
help-title-anggota = <b>Siaga</b> — commands for personnel:
help-title-komandan = <b>Siaga</b> — commands for commanders:
help-title-admin = <b>Siaga</b> — commands for admins:
help-line = /{ $command } — { $description }
help-footer = Details and an example: <code>/bantuan COMMAND</code>, e.g. <code>/bantuan { $command }</code>
help-detail = <b>/{ $command }</b> — { $description }
    Example: <code>{ $example }</code>
help-unknown = "{ $value }" is not one of your commands. Type /bantuan to see the list.
help-stranger-footer = Register first with /start: the bot asks you to share your phone number with one tap.

cmd-start = Register, or see your registration
cmd-start-example = /start
cmd-bantuan = Help; details per command
cmd-bantuan-example = /bantuan
cmd-bahasa = Change language (Indonesia/English)
cmd-bahasa-example = /bahasa
cmd-angkat = Appoint a commander or admin
cmd-angkat-example = /angkat 87050123 komandan BRIMOB
cmd-copot = Remove a commander/admin role
cmd-copot-example = /copot 87050123
cmd-lepas = Unlink a Telegram account
cmd-lepas-example = /lepas 87050123

## Locations

location-invalid = ❌ These coordinates are not valid. Tap <b>📍 Share my location</b> to send again.
location-not-expected = The bot is not waiting for a location from you. To answer a roll call or report arrival, tap the button on its message.

## Registration

start-welcome-back = Welcome back, <b>{ $name }</b>.
start-in-group = Registration and personal commands happen in a private chat with the bot. Tap the button below to open it.
group-open-private = Open private chat
register-ask-contact = Welcome to <b>Siaga</b>.
    To register, tap <b>Share my number</b> below. Your number is matched with the personnel list.
register-share-button = Share my number
register-foreign-contact = ❌ That is not your own contact. Tap <b>Share my number</b> to share your number.
register-already-linked = You are already registered as <b>{ $name }</b>. To change accounts, contact an admin.
register-phone-taken = ❌ This number is already linked to another Telegram account. Contact an admin to move it.
register-no-match = Your number is not on the personnel roster.
    Type your <b>NRP</b> (8 digits), e.g. <code>87050123</code>. An admin or your commander will check it.
register-ask-nrp = Type your <b>NRP</b> (8 digits), e.g. <code>87050123</code>.
register-nrp-invalid = NRP "{ $value }" is not valid: an NRP has digits only, e.g. <code>87050123</code>.
register-nrp-unknown = NRP <b>{ $nrp }</b> is not on the active roster. Check it again, or contact an admin.
register-nrp-taken = NRP <b>{ $nrp }</b> is already linked to another Telegram account. Contact an admin.
register-waiting-approval = ⏳ Your registration request is waiting for approval. You will be told.
register-approval-sent = ⏳ Your request to register as <b>{ $name }</b> was sent to the admins and your commanders. You will be told the outcome.
register-no-approver = ⏳ Your request to register as <b>{ $name }</b> is recorded, but no admin or commander is registered yet to approve it. Contact an admin.
register-linked = ✅ Registered: <b>{ $name }</b>
    Unit: { $unit } · Category: { $category }
register-approval-request = <b>Registration request</b>
    Person: <b>{ $name }</b>
    NRP { $nrp }
    Unit: { $unit } · Category: { $category }
    Telegram account: { $account } ({ $username })
    Shared number: { $phone }
register-approve = ✅ Approve
register-reject = ❌ Reject
register-decision-not-yours = This person is outside your command.
register-already-decided = This request has already been decided.
register-approved = ✅ Registration approved. Welcome, <b>{ $name }</b> ({ $unit }, { $category }). Type /help to see the commands.
register-rejected = ❌ Registration as <b>{ $name }</b> was rejected. Contact an admin or your commander.
register-decided-approved = ✅ Approved by { $decider }: <b>{ $name }</b> (NRP { $nrp }).
register-decided-rejected = ❌ Rejected by { $decider }: <b>{ $name }</b> (NRP { $nrp }).
register-decided-approved-short = Approved.
register-decided-rejected-short = Rejected.

## Roles

roles-usage-angkat = Format: <code>/angkat NRP komandan [UNIT|CATEGORY]</code> or <code>/angkat NRP admin</code>
    Example: <code>/angkat 87050123 komandan BRIMOB</code>
roles-usage-nrp = Format: the command followed by one NRP, e.g. <code>/copot 87050123</code>
roles-nrp-invalid = NRP "{ $value }" is not valid: an NRP has digits only, e.g. <code>87050123</code>.
roles-nrp-unknown = NRP <b>{ $nrp }</b> is not on the active roster.
roles-unknown-role = Role "{ $value }" is unknown. Choose <code>komandan</code> or <code>admin</code>.
roles-unknown-scope = "{ $value }" is not a known category or unit. Example: <code>/angkat 87050123 komandan BRIMOB</code> or <code>/angkat 87050123 komandan Polres Sanggau</code>
roles-appointed = ✅ <b>{ $name }</b> is now { $role } for { $scope }.
roles-dismissed = ✅ The commander/admin role of <b>{ $name }</b> in Siaga was removed; now a member.
roles-not-linked = NRP <b>{ $nrp }</b> is not linked to a Telegram account.
roles-released = ✅ The Telegram account of <b>{ $name }</b> is no longer linked to their NRP. They can register again with /start.
roles-you-were-appointed = You are now <b>{ $role }</b> in Siaga. Type /help to see your new commands.
roles-you-were-dismissed = Your commander/admin role in Siaga was removed; you are a member again.

## Language

language-choose = Pilih bahasa / Choose a language:
language-id = Bahasa Indonesia
language-en = English
language-set = ✅ Language: English.

## Command line

roster-no-categories = No categories yet. Import them first: { $prog } categories import FILE.csv (or --example for the bundled example categories).
roster-import-refused = Nothing was imported: { $errors } rows have problems. Fix the file, or run again with --skip-invalid to import the valid rows only.
