## Baris perintah (siaga / python -m bot): satu baris per masalah operator, dengan perbaikannya.

db-missing = Database { $path } tidak ada. Periksa SIAGA_DB_PATH (di .env atau lingkungan) atau jalankan dari folder tempat database berada; database baru dibuat oleh "{ $prog } run" atau impor.
db-no-folder = Folder untuk database { $path } tidak ada. Buat foldernya (mkdir -p) dengan pemilik yang menjalankan bot, atau perbaiki SIAGA_DB_PATH.
db-not-a-database = { $path } bukan database SQLite. Periksa SIAGA_DB_PATH, atau pulihkan database dari cadangan (README: Cadangan).
db-corrupt = Database { $path } rusak ({ $detail }). Hentikan bot dan pulihkan dari cadangan (README: Cadangan).
db-read-only = Database { $path } hanya dapat dibaca oleh pengguna ini. Jalankan sebagai pemilik file (mis. sudo -u siaga …) atau perbaiki izinnya (chown/chmod).
db-no-access = Database { $path } tidak dapat dibuka ({ $detail }). Jalankan sebagai pemilik file (mis. sudo -u siaga …) atau perbaiki izin file dan foldernya.
db-too-old = Database { $path } masih memakai skema lama ({ $detail }). Jalankan bot sekali ("{ $prog } run") agar diperbarui, lalu ulangi.
db-too-new = Database { $path } ditulis oleh Siaga yang lebih baru (skema { $found }, versi ini { $known }). Pasang versi Siaga yang sama atau lebih baru.
cli-file-missing = File { $path } tidak ada. Periksa nama dan foldernya.
cli-folder-missing = Folder { $path } tidak ada. Buat dulu (mkdir -p { $path }) atau pilih folder lain.
cli-token-refused = Token tidak berlaku di Telegram (sudah dicabut atau salah ketik). Ambil token baru dari @BotFather dan simpan di SIAGA_BOT_TOKEN.
cli-webhook-in-dashboard = Path webhook { $path } (SIAGA_WEBHOOK_URL) juga milik dasbor ({ $web }), di alamat dan port yang sama. Beri webhook path lain (mis. /telegram) atau dasbor port lain (SIAGA_WEB_PORT).
cli-port-overlap = Webhook ({ $webhook }) dan dasbor ({ $web }) sama-sama memakai port { $port }, dan salah satunya terbuka di semua alamat (0.0.0.0): server kedua tidak akan bisa dibuka. Samakan alamatnya (SIAGA_WEB_LISTEN sama dengan SIAGA_WEBHOOK_LISTEN: satu server melayani keduanya) atau beri dasbor port lain (SIAGA_WEB_PORT).

## Impor personel dan kategori

roster-import-refused-plain = Tidak ada yang diimpor: { $errors } masalah. Perbaiki file, lalu jalankan lagi.
roster-sheet-read = Dibaca dari lembar "{ $sheet }".
roster-trailer-ignored = Baris { NUMBER($first, useGrouping: 0) }–{ NUMBER($last, useGrouping: 0) } di bawah tabel dibaca sebagai catatan atau tanda tangan, bukan data: tidak diimpor.
roster-deactivation-refused = Tidak ada yang diimpor: file ini akan menonaktifkan { $count } dari { $active } personel aktif (lebih dari 10%), antara lain: { $names }. Periksa apakah filenya lengkap; bila memang benar, jalankan lagi dengan --allow-deactivate.
roster-dry-run = Uji coba (--dry-run), tidak ada yang ditulis. Bila diimpor: { $added } baru, { $updated } diperbarui, { $unchanged } tetap, { $deactivated } dinonaktifkan, { $reactivated } diaktifkan kembali, { $skipped } masalah.
roster-dry-run-deactivated = Akan dinonaktifkan ({ $count }), antara lain: { $names }.
categories-import-refused = Kategori tidak diimpor dari { $file }: perbaiki baris di atas (kolom: kode, nama, personel[, cadangan]) lalu jalankan lagi.

## Cadangan

backup-exists = File cadangan { $path } sudah ada dan tidak ditimpa. Pilih nama lain, atau berikan folder agar namanya dibuat otomatis.

## Ekspor dari baris perintah (sintaks baris perintah, bukan /ekspor)

eks-cli-needs-id = Sebutkan nomornya dengan --id, contoh: { $prog } export { $kind } --id 5 --out hasil.xlsx
eks-cli-needs-dates = Log audit perlu tanggal, contoh: { $prog } export audit --from 2024-02-01 --to 2024-02-14 --out audit.xlsx
eks-cli-range = Tanggal "{ $value }" tidak dikenal. Tulis TTTT-BB-HH, contoh: --from 2024-02-01 --to 2024-02-14
eks-cli-range-backwards = Rentang "{ $value }" terbalik: --to sebelum --from. Contoh: --from 2024-02-01 --to 2024-02-14
eks-cli-format = Format "{ $value }" tidak dikenal: pakai --format xlsx atau --format csv.
eks-cli-not-audited = Catatan: ekspor tidak tercatat di log audit karena database { $path } hanya dapat dibaca oleh pengguna ini.
