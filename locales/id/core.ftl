## Gate, help, language, errors — the reference catalog (Indonesian).

gate-not-registered = Anda belum terdaftar. Buka chat pribadi dengan bot dan kirim /start.
gate-not-registered-private = Anda belum terdaftar di Siaga. Kirim /start untuk mendaftar dengan satu ketukan.
gate-not-registered-group = Anda belum terdaftar di Siaga. Buka chat pribadi dengan bot dan kirim /start.
text-not-expected = Bot sedang tidak menunggu pesan dari Anda. Gunakan tombol pada pesan, atau ketik /bantuan untuk melihat perintah.
unknown-command = Perintah tidak dikenal. Ketik /bantuan untuk melihat perintah yang bisa Anda gunakan.
error-commander-only = Perintah ini hanya untuk komandan.
error-admin-only = Perintah ini hanya untuk admin.
error-private-only = Perintah /{ $command } hanya dipakai di chat pribadi dengan bot, tidak di grup: tidak ada yang diubah. Buka chat pribadi dengan bot lalu ketik perintahnya di sana.
error-apology = Maaf, terjadi kesalahan saat memproses permintaan Anda. Tim sudah diberi tahu; silakan coba lagi sebentar lagi.
error-apology-short = Maaf, terjadi kesalahan. Silakan coba lagi.
button-invalid = Tombol ini tidak berlaku lagi.

help-title-stranger = <b>Siaga</b> — Anda belum terdaftar. Perintah yang tersedia:
help-title-anggota = <b>Siaga</b> — perintah untuk anggota:
help-title-komandan = <b>Siaga</b> — perintah untuk komandan:
help-title-admin = <b>Siaga</b> — perintah untuk admin:
help-line = /{ $command } — { $description }
help-footer = Rincian dan contoh: <code>/bantuan PERINTAH</code>, mis. <code>/bantuan { $command }</code>
help-detail = <b>/{ $command }</b> — { $description }
    Contoh: <code>{ $example }</code>
help-unknown = Perintah "{ $value }" tidak ada dalam daftar Anda. Ketik /bantuan untuk melihat daftarnya.
help-stranger-footer = Daftar dulu dengan /start: bot akan meminta Anda membagikan nomor telepon dengan satu ketukan.

cmd-start = Daftar, atau lihat status pendaftaran
cmd-start-example = /start
cmd-bantuan = Bantuan; rincian per perintah
cmd-bantuan-example = /bantuan
cmd-bahasa = Ganti bahasa (Indonesia/English)
cmd-bahasa-example = /bahasa
cmd-angkat = Angkat komandan atau admin
cmd-angkat-example = /angkat 87050123 komandan BRIMOB
cmd-copot = Cabut peran komandan/admin
cmd-copot-example = /copot 87050123
cmd-lepas = Lepaskan akun Telegram dari NRP
cmd-lepas-example = /lepas 87050123

## Locations

location-invalid = ❌ Koordinat lokasi tidak valid. Ketuk <b>📍 Bagikan lokasi saya</b> untuk mengirim ulang.
location-not-expected = Bot sedang tidak menunggu lokasi dari Anda. Untuk menjawab apel atau melapor tiba, ketuk tombolnya pada pesan yang bersangkutan.

## Registration

start-welcome-back = Selamat datang kembali, <b>{ $name }</b>.
start-in-group = Pendaftaran dan perintah pribadi dilakukan di chat pribadi dengan bot. Ketuk tombol di bawah untuk membukanya.
group-open-private = Buka chat pribadi
register-ask-contact = Selamat datang di <b>Siaga</b>.
    Untuk mendaftar, ketuk tombol <b>Bagikan nomor saya</b> di bawah. Nomor Anda dicocokkan dengan daftar personel.
register-share-button = Bagikan nomor saya
register-foreign-contact = ❌ Itu bukan kontak Anda sendiri. Ketuk tombol <b>Bagikan nomor saya</b> untuk membagikan nomor Anda.
register-already-linked = Anda sudah terdaftar sebagai <b>{ $name }</b>. Untuk mengganti akun, hubungi admin.
register-phone-taken = ❌ Nomor ini sudah terhubung dengan akun Telegram lain. Hubungi admin untuk memindahkannya.
register-no-match = Nomor Anda tidak ditemukan di daftar personel.
    Ketik <b>NRP</b> Anda (8 digit), contoh: <code>87050123</code>. Admin atau komandan Anda akan memeriksanya.
register-ask-nrp = Ketik <b>NRP</b> Anda (8 digit), contoh: <code>87050123</code>.
register-nrp-invalid = NRP "{ $value }" tidak valid: NRP hanya berisi angka, contoh: <code>87050123</code>.
register-nrp-unknown = NRP <b>{ $nrp }</b> tidak ditemukan di daftar personel aktif. Periksa lagi, atau hubungi admin.
register-nrp-taken = NRP <b>{ $nrp }</b> sudah terhubung dengan akun Telegram lain. Hubungi admin.
register-waiting-approval = ⏳ Permintaan pendaftaran Anda sedang menunggu persetujuan. Anda akan diberi tahu.
register-approval-sent = ⏳ Permintaan pendaftaran sebagai <b>{ $name }</b> sudah dikirim ke admin dan komandan Anda. Anda akan diberi tahu hasilnya.
register-no-approver = ⏳ Permintaan pendaftaran sebagai <b>{ $name }</b> tercatat, tetapi belum ada admin atau komandan yang terdaftar untuk menyetujuinya. Hubungi admin.
register-linked = ✅ Terdaftar: <b>{ $name }</b>
    Satuan: { $unit } · Kategori: { $category }
register-approval-request = <b>Permintaan pendaftaran</b>
    Personel: <b>{ $name }</b>
    NRP { $nrp }
    Satuan: { $unit } · Kategori: { $category }
    Akun Telegram: { $account } ({ $username })
    Nomor yang dibagikan: { $phone }
register-approve = ✅ Setujui
register-reject = ❌ Tolak
register-decision-not-yours = Personel ini bukan wewenang Anda.
register-already-decided = Permintaan ini sudah diputuskan.
register-approved = ✅ Pendaftaran disetujui. Selamat datang, <b>{ $name }</b> ({ $unit }, { $category }). Ketik /bantuan untuk melihat perintah.
register-rejected = ❌ Pendaftaran sebagai <b>{ $name }</b> ditolak. Hubungi admin atau komandan Anda.
register-decided-approved = ✅ Disetujui oleh { $decider }: <b>{ $name }</b> (NRP { $nrp }).
register-decided-rejected = ❌ Ditolak oleh { $decider }: <b>{ $name }</b> (NRP { $nrp }).
register-decided-approved-short = Disetujui.
register-decided-rejected-short = Ditolak.

## Roles

roles-usage-angkat = Format: <code>/angkat NRP komandan [SATUAN|KATEGORI]</code> atau <code>/angkat NRP admin</code>
    Contoh: <code>/angkat 87050123 komandan BRIMOB</code>
roles-usage-nrp = Format: perintah diikuti satu NRP, contoh: <code>/copot 87050123</code>
roles-nrp-invalid = NRP "{ $value }" tidak valid: NRP hanya berisi angka, contoh: <code>87050123</code>.
roles-nrp-unknown = NRP <b>{ $nrp }</b> tidak ditemukan di daftar personel aktif.
roles-unknown-role = Peran "{ $value }" tidak dikenal. Pilih <code>komandan</code> atau <code>admin</code>.
roles-unknown-scope = "{ $value }" bukan kategori atau satuan yang dikenal. Contoh: <code>/angkat 87050123 komandan BRIMOB</code> atau <code>/angkat 87050123 komandan Polres Sanggau</code>
roles-appointed = ✅ <b>{ $name }</b> sekarang { $role } untuk { $scope }.
roles-dismissed = ✅ Peran komandan/admin <b>{ $name }</b> di Siaga dicabut; kini anggota.
roles-not-linked = NRP <b>{ $nrp }</b> tidak terhubung dengan akun Telegram.
roles-released = ✅ Akun Telegram <b>{ $name }</b> tidak lagi terhubung dengan NRP-nya. Personel dapat mendaftar ulang dengan /start.
roles-you-were-appointed = Anda sekarang <b>{ $role }</b> di Siaga. Ketik /bantuan untuk melihat perintah baru Anda.
roles-you-were-dismissed = Peran komandan/admin Anda di Siaga dicabut; Anda kembali menjadi anggota.

## Language

language-choose = Pilih bahasa / Choose a language:
language-id = Bahasa Indonesia
language-en = English
language-set = ✅ Bahasa: Indonesia.

## Command line

roster-no-categories = Belum ada kategori. Impor dulu: { $prog } categories import FILE.csv (atau --example untuk kategori contoh yang ikut terpasang).
roster-import-refused = Tidak ada yang diimpor: { $errors } baris bermasalah. Perbaiki file, atau jalankan lagi dengan --skip-invalid untuk mengimpor baris yang valid saja.
