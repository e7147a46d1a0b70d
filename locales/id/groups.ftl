## Command groups (posko), status broadcasts, jam rawan, laporan kekuatan, exports.

cmd-posko = Daftarkan grup sebagai posko
cmd-posko-example = /posko BRIMOB, Polres Sanggau
cmd-status = Status kesiapan sekarang
cmd-status-example = /status BRIMOB
cmd-laporan = Laporan kekuatan personel
cmd-laporan-example = /laporan
cmd-ekspor = Ekspor data ke Excel/CSV
cmd-ekspor-example = /ekspor
cmd-jamrawan = Jam rawan: aktifkan/nonaktifkan
cmd-jamrawan-example = /jamrawan on

## Posko: registering a group and its settings

posko-in-private = Perintah /posko dipakai di grup: tambahkan bot ke grup posko, lalu ketik /posko di grup itu.
posko-commander-only = Perintah di grup posko hanya untuk komandan yang terdaftar.
posko-not-registered = Grup ini belum terdaftar sebagai posko. Komandan dapat mendaftarkannya dengan /posko.
posko-no-scope = Anda belum memiliki wewenang satuan atau kategori, jadi belum ada yang bisa disiarkan. Minta admin mengatur, contoh: <code>/angkat 87050123 komandan BRIMOB</code>
posko-scope-unknown = "{ $value }" bukan kategori atau satuan. Kategori yang ada: { $categories }.
    Contoh: <code>/posko BRIMOB, Polres Sanggau</code>
posko-scope-outside = { $value } di luar wewenang Anda. Wewenang Anda: { $scope }.
posko-scope-everything = seluruh satuan
posko-registered = ✅ Grup ini terdaftar sebagai <b>posko</b>.
    Cakupan: { $scope }
    Siaran status setiap { $interval } menit; saat jam rawan setiap { $dense } menit.
    Ubah cakupan dengan <code>/posko BRIMOB, Polres Sanggau</code>; atur tampilan dengan tombol di bawah.
posko-rescoped = ✅ Cakupan posko diperbarui: { $scope }
posko-settings = <b>Posko</b> · cakupan: { $scope }
    Pesan status: { $mode }
    Grafik: { $chart }
posko-mode-new = pesan baru setiap siaran
posko-mode-pinned = satu pesan tersemat yang terus diperbarui
posko-chart-yes = disertakan
posko-chart-no = tidak disertakan
posko-button-pinned = Satu pesan tersemat
posko-button-new = Pesan baru tiap siaran
posko-button-chart-on = Sertakan grafik
posko-button-chart-off = Tanpa grafik
posko-button-stop = Hentikan siaran
posko-set-pinned = Pesan status kini satu pesan tersemat yang terus diperbarui.
posko-set-new = Setiap siaran kini dikirim sebagai pesan baru.
posko-set-chart-on = Grafik disertakan di setiap siaran.
posko-set-chart-off = Grafik tidak lagi disertakan.
posko-stopped = Siaran status ke grup ini dihentikan. Ketik /posko untuk mendaftarkan lagi.
posko-saved = Tersimpan.
posko-usage = Format: <code>/posko [KATEGORI atau SATUAN, …]</code>
    Pengaturan:
    <code>/posko sematkan</code>
    <code>/posko baru</code>
    <code>/posko grafik on</code>
    <code>/posko grafik off</code>
    <code>/posko berhenti</code>
posko-hello = Siaga sudah masuk grup ini. Komandan dapat mendaftarkannya sebagai posko dengan /posko (contoh: <code>/posko BRIMOB</code>).
posko-removed-notice = Bot dikeluarkan dari grup <b>{ $title }</b>: siaran status ke grup itu dihentikan.
posko-unreachable-notice = 🚫 Grup <b>{ $title }</b> tidak dapat dikirimi pesan lagi (grup dihapus, atau bot dikeluarkan atau dibatasi). Grup itu tidak lagi terdaftar sebagai posko. Tambahkan bot kembali lalu ketik /posko untuk mendaftarkannya lagi.
posko-pin-denied = Bot belum dapat menyematkan pesan status. Jadikan bot admin grup dengan hak menyematkan pesan; pesan status tetap terus diperbarui.

## Status (broadcast and /status)

sts-title = <b>STATUS SIAGA</b> · { $time }
sts-jam-rawan = <b>JAM RAWAN</b>
sts-scope = Cakupan: { $scope }
sts-col-category = Kat
sts-col-strength = Kuat
sts-col-siap = Siap
sts-col-tidak-siap = Tdk
sts-col-bertugas = Tgs
sts-col-total = Jumlah
sts-legend = <i>Kuat kekuatan · Tdk tidak siap · Tgs bertugas</i>
sts-count-stale = ⏳ { $count } perlu konfirmasi ulang
sts-count-unknown = { $count } belum lapor
sts-count-unreachable = 🚫 { $count } tidak dapat dihubungi
sts-count-linked = { $linked } dari { $strength } terdaftar di bot
sts-reasons-title = ❌ Tidak siap per alasan:
sts-reason-sakit = Sakit
sts-reason-izin = Izin
sts-reason-cuti = Cuti
sts-reason-dik = Dik
sts-reason-dinas-luar = DL
sts-reason-bko = BKO
sts-reason-lainnya = Lain
sts-callouts-title = 🚨 Pengerahan aktif:
sts-callouts-none = 🚨 Pengerahan aktif: tidak ada
sts-callout-line = • #{ $id } { $categories } ✅ { $accepted }/{ $quota } · 📍 { $arrived }
    → { $location }
sts-callout-drill = { $line } (latihan)
sts-rollcalls-title = Apel terbuka:
sts-rollcall-line = • #{ $id } { $kind } { $scope }
    ✅ { $yes } · ❌ { $no } · ⏳ { $waiting } · tutup { $closes }
sts-rollcall-apel = APEL
sts-rollcall-cek = CEK KESIAPAN
sts-rollcall-everyone = semua
sts-more = … dan { $count } lainnya
sts-empty = Tidak ada personel aktif dalam cakupan ini.
sts-scope-outside = { $value } di luar wewenang Anda. Wewenang Anda: { $scope }.
sts-names-button = Rincian nama (chat pribadi)
sts-names-sent = Rincian nama dikirim ke chat pribadi Anda.
sts-names-title = <b>Rincian nama</b> · { $time }
    { $scope }
sts-names-tidak-siap = ❌ <b>Tidak siap</b> ({ $count })
sts-names-stale = ⏳ <b>Perlu konfirmasi ulang</b> ({ $count })
sts-names-unreachable = 🚫 <b>Tidak dapat dihubungi</b> ({ $count })
sts-names-person = • { $name }
    { $unit } · { $category }
sts-names-person-reason = • { $name }
    { $unit } · { $category } — { $reason }
sts-names-more = … dan { $count } lainnya (lengkapnya: /ekspor)
sts-names-none = ✅ Semua personel dalam cakupan siap dan dapat dihubungi.
sts-chart-caption = Kesiapan per kategori · { $time }
sts-chart-title = Kesiapan per kategori
sts-chart-siap = Siap
sts-chart-stale = Perlu konfirmasi ulang
sts-chart-tidak-siap = Tidak siap
sts-chart-bertugas = Bertugas
sts-chart-rest = Belum lapor
sts-chart-axis = % dari kekuatan
sts-chart-bar = siap { $siap }/{ $strength }

## Laporan kekuatan personel

lap-title = <b>LAPORAN KEKUATAN PERSONEL</b> · { $time }
lap-scope = Cakupan: { $scope }
lap-unit = <b>{ $unit }</b>
lap-whole = <b>Jumlah seluruhnya</b> (per kategori)
lap-col-category = Kategori
lap-col-jumlah = Jml
lap-col-siap = Siap
lap-col-kurang = Krg
lap-total = Jumlah
lap-kind-bertugas = tugas
lap-kind-sakit = sakit
lap-kind-izin = izin
lap-kind-cuti = cuti
lap-kind-dik = dik
lap-kind-dinas-luar = DL
lap-kind-bko = BKO
lap-kind-lainnya = lain
lap-kind-stale = konf. ulang
lap-kind-unknown = belum lapor
lap-legend = <i>Siap: konfirmasi siap yang masih berlaku.
    Kurang = jumlah − siap. tugas bertugas
    DL dinas luar · dik pendidikan
    konf. ulang perlu konfirmasi ulang</i>
lap-empty = Tidak ada personel aktif dalam cakupan ini.

## Jam rawan

jr-card = ⏰ Jam rawan: <b>{ $state }</b>
    Jadwal harian: { $windows }
    Siaran status setiap { $interval } menit; saat jam rawan setiap { $dense } menit.
    Konfirmasi siap berlaku { $stale } jam; saat jam rawan { $stale_rawan } jam.
jr-state-on = AKTIF
jr-state-manual = AKTIF (diaktifkan komandan)
jr-state-off = tidak aktif
jr-no-windows = tidak ada
jr-button-on = ⏰ Aktifkan jam rawan
jr-button-off = Nonaktifkan jam rawan
jr-turned-on = ⏰ Jam rawan <b>diaktifkan</b>: siaran status setiap { $dense } menit, konfirmasi siap berlaku { $stale_rawan } jam.
jr-turned-off = Jam rawan manual <b>dinonaktifkan</b>. Jadwal harian tetap berlaku: { $windows }.
jr-already-on = Jam rawan sudah aktif.
jr-already-off = Jam rawan manual sudah nonaktif. Jadwal harian: { $windows }.
jr-windows-set = ✅ Jadwal jam rawan: { $windows }
jr-windows-reset = ✅ Jadwal jam rawan kembali ke konfigurasi: { $windows }
jr-bad-window = Jadwal "{ $value }" tidak dapat dibaca. Tulis jam mulai dan jam selesai (24 jam), beberapa jadwal dipisah koma.
    Contoh: <code>/jamrawan 18:00-23:59,00:00-06:00</code>
jr-windows-admin-only = Jadwal jam rawan hanya dapat diubah admin. Komandan dapat mengaktifkan atau menonaktifkan: <code>/jamrawan on</code>
jr-usage = Format:
    <code>/jamrawan on</code> · <code>/jamrawan off</code>
    <code>/jamrawan bawaan</code>
    Jadwal (admin): <code>/jamrawan 18:00-23:59,00:00-06:00</code>

## Ekspor

eks-private-only = Ekspor berisi data pribadi, jadi hanya dikirim di chat pribadi. Buka chat pribadi dengan bot dan ketik /ekspor.
eks-choose = <b>Ekspor</b> — pilih data:
eks-kind-roster = Daftar personel
eks-kind-apel = Hasil apel
eks-kind-callout = Hasil pengerahan
eks-kind-apel-nonresponders = Belum lapor apel
eks-kind-callout-nonresponders = Belum lapor pengerahan
eks-kind-audit = Log audit
eks-choose-apel = Pilih apel:
eks-choose-callout = Pilih pengerahan:
eks-apel-item = #{ $id } { $kind } { $scope }
    { $time }
eks-callout-item = #{ $id } { $categories } · { $time }
eks-none-apel = Belum ada apel dalam wewenang Anda.
eks-none-callout = Belum ada pengerahan dalam wewenang Anda.
eks-choose-range = Pilih rentang tanggal log audit:
eks-range-today = Hari ini
eks-range-7 = 7 hari
eks-range-30 = 30 hari
eks-range-type = Ketik rentang
eks-ask-range = Ketik rentang tanggal, contoh: <code>2024-02-01 2024-02-14</code> (atau satu tanggal).
eks-choose-format = Pilih format:
eks-format-xlsx = Excel (XLSX)
eks-format-csv = CSV
eks-caption = { $title } · { $rows } baris · { $time }
eks-caption-empty = { $title } · { $time }
    Belum ada data (file berisi judul kolom saja).
eks-making = ⏳ Menyiapkan file…
eks-usage = Format: <code>/ekspor</code> lalu pilih dengan tombol, atau langsung:
    <code>/ekspor personel xlsx</code>
    <code>/ekspor apel 5 csv</code>
    <code>/ekspor pengerahan 12</code>
    <code>/ekspor belum-apel 5</code>
    <code>/ekspor belum-pengerahan 12</code>
    Log audit: <code>/ekspor audit 2024-02-01 2024-02-14</code>
eks-audit-admin-only = Log audit hanya untuk admin.
eks-needs-dates = Log audit perlu rentang tanggal, contoh: <code>/ekspor audit 2024-02-01 2024-02-14</code>
eks-needs-id = Sebutkan nomornya, contoh: <code>/ekspor apel 5</code>
eks-unknown-apel = Apel #{ $ref } tidak ditemukan.
eks-unknown-callout = Pengerahan #{ $ref } tidak ditemukan.
eks-not-yours = Data itu di luar wewenang Anda.
eks-range-usage = Rentang tanggal "{ $value }" tidak dapat dibaca. Contoh: <code>2024-02-01 2024-02-14</code>
eks-range-bad-date = Tanggal "{ $value }" tidak dikenal. Tulis TTTT-BB-HH atau HH-BB-TTTT, contoh: <code>2024-02-14</code>
eks-range-backwards = Rentang "{ $value }" terbalik: tanggal akhir sebelum tanggal awal. Contoh: <code>2024-02-01 2024-02-14</code>
eks-sheet-roster = Personel
eks-sheet-apel = Apel
eks-sheet-callout = Pengerahan
eks-sheet-apel-nonresponders = Belum lapor apel
eks-sheet-callout-nonresponders = Belum lapor pengerahan
eks-sheet-apel-detail = Rincian per personel
eks-apel-whole = Jumlah seluruhnya
eks-col-jumlah = Jumlah
eks-col-kurang = Kurang
eks-col-hadir = Hadir
eks-col-keterangan = Keterangan (nama)
eks-sheet-audit = Log audit
eks-col-nrp = NRP
eks-col-rank = Pangkat
eks-col-name = Nama
eks-col-category = Kategori
eks-col-unit = Satuan
eks-col-phone = Telepon
eks-col-role = Peran
eks-col-linked = Terdaftar di bot
eks-col-state = Kesiapan
eks-col-reason = Alasan
eks-col-reason-text = Keterangan
eks-col-until = Sampai
eks-col-confirmed = Terakhir konfirmasi
eks-col-unreachable = Tidak dapat dihubungi
eks-col-status = Status
eks-col-answered = Waktu jawab
eks-col-location = Lokasi
eks-col-distance = Jarak (m)
eks-col-invited = Waktu panggilan
eks-col-arrived = Waktu tiba
eks-col-arrival = Status tiba
eks-col-released = Ditarik kembali
eks-col-time = Waktu
eks-col-action = Tindakan
eks-col-subject = Subjek
eks-yes = ya
eks-no = tidak
eks-role-anggota = anggota
eks-role-komandan = komandan
eks-role-admin = admin
eks-state-siap = siap
eks-state-stale = belum konfirmasi ulang
eks-state-tidak-siap = tidak siap
eks-state-bertugas = bertugas
eks-state-unknown = belum lapor
eks-reason-sakit = sakit
eks-reason-izin = izin
eks-reason-cuti = cuti
eks-reason-dik = dik (pendidikan)
eks-reason-dinas-luar = dinas luar
eks-reason-bko = BKO
eks-reason-lainnya = lainnya
eks-rc-yes = hadir
eks-rc-no = tidak hadir
eks-rc-belum-menjawab = belum lapor
eks-rc-tak-terjangkau = tidak dapat dihubungi
eks-rc-belum-terdaftar = belum terdaftar di bot
eks-rc-nonaktif = nonaktif
eks-rc-bertugas = bertugas
eks-inv-pending = menunggu
eks-inv-accepted = siap berangkat
eks-inv-declined = berhalangan
eks-inv-timed-out = diganti (belum lapor)
eks-inv-no-answer = belum lapor
eks-inv-stood-down = tidak jadi diberangkatkan
eks-inv-cancelled = dibatalkan
eks-inv-unreachable = tidak dapat dihubungi
eks-loc-awaiting = menunggu lokasi
eks-loc-inside = di titik kumpul
eks-loc-outside = di luar titik kumpul
eks-loc-shared = lokasi dibagikan
eks-arrival-verified = tiba (lokasi cocok)
eks-arrival-reported = tiba (dilaporkan)
