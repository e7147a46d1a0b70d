## The posko dashboard: Mini App for commanders, big screen for the posko (handlers/dashboard).

cmd-dasbor = Dasbor posko: gambaran langsung di Telegram dan di layar besar
cmd-dasbor-example = /dasbor layar 12

dsb-button = Dasbor
dsb-menu-button = Dasbor
dsb-open = Dasbor posko: kesiapan, apel dan pengerahan yang berjalan, diperbarui langsung.
dsb-off = Dasbor belum diaktifkan di server ini. Minta petugas TI Polda mengisi <code>SIAGA_WEB_URL</code>.
dsb-group-usage = Di grup posko:
    <code>/dasbor layar</code> — tautan untuk layar besar (hanya angka, berlaku 24 jam)
    <code>/dasbor layar 12</code> — berlaku 12 jam (paling lama 7 hari)
    <code>/dasbor cabut</code> — cabut semua tautan layar grup ini
dsb-screen-in-group = Tautan layar besar dibuat di grup posko: ketik <code>/dasbor layar</code> di grup itu.
dsb-validity-invalid = "{ $value }" bukan masa berlaku yang dikenal. Contoh: <code>/dasbor layar 12</code> (jam) atau <code>/dasbor layar 3 hari</code>; paling lama 7 hari.
dsb-screen-link = Tautan layar besar posko (hanya angka, tanpa nama):
    { $url }
    Berlaku sampai { $until }. Cabut dengan <code>/dasbor cabut</code>.
dsb-screen-open = Buka layar
dsb-revoked = { $count ->
    [0] Tidak ada tautan layar yang masih berlaku di grup ini.
   *[other] ✅ { $count } tautan layar dicabut. Layar yang membukanya berhenti diperbarui.
}

dsb-page-title = Dasbor Siaga
dsb-screen-title = Layar Posko Siaga
dsb-loading = Memuat dasbor…
dsb-reopen = Sesi dasbor berakhir. Tutup, lalu buka lagi dari tombol Dasbor di chat.
dsb-refused = Dasbor hanya untuk komandan yang terdaftar.
dsb-offline = Koneksi terputus, mencoba lagi…
dsb-screen-ended = Tautan layar ini sudah tidak berlaku.
dsb-screen-invalid = Tautan layar ini tidak dikenal.
dsb-screen-ask = Minta komandan di grup posko membuat tautan baru dengan /dasbor layar.

dsb-title = DASBOR SIAGA
dsb-scope = Cakupan: { $scope }
dsb-updated = Diperbarui { $time }
dsb-jam-rawan = JAM RAWAN
dsb-last-broadcast = Siaran status terakhir { $time }
dsb-readiness-title = Kesiapan
dsb-empty = Belum ada personel dalam cakupan ini.
dsb-total = Jumlah
dsb-units-title = Per satuan
dsb-chart-title = Kesiapan per kategori
dsb-chart-bar = { $siap } / { $strength } siap
dsb-col-category = Kategori
dsb-col-unit = Satuan
dsb-col-strength = Kuat
dsb-col-siap = Siap
dsb-col-stale = Perlu konf.
dsb-col-tidak-siap = Tdk siap
dsb-col-bertugas = Bertugas
dsb-col-unknown = Belum lapor
dsb-col-unreachable = 🚫
dsb-tile-siap = ✅ siap
dsb-tile-tidak-siap = ❌ tidak siap
dsb-tile-bertugas = 🚨 bertugas
dsb-tile-unreachable = 🚫 tidak dapat dihubungi
dsb-sending = Terkirim { $sent } / { $total }

dsb-rollcalls-title = Apel berjalan
dsb-rollcalls-none = Tidak ada apel yang berjalan.
dsb-rollcall-head = { $kind } #{ $id } · { $scope }
dsb-closes = Batas jawab { $time }
dsb-rc-yes = { $count } hadir
dsb-rc-no = { $count } tidak hadir
dsb-rc-waiting = { $count } belum lapor
dsb-rc-called = dari { $count } dipanggil

dsb-callouts-title = Pengerahan berjalan
dsb-callouts-none = Tidak ada pengerahan yang berjalan.
dsb-callout-head = PENGERAHAN #{ $id } · { $categories }
dsb-drill = latihan
dsb-since-order = berjalan { $minutes } mnt sejak perintah
dsb-co-accepted = { $accepted }/{ $quota } siap berangkat
dsb-co-arrived = { $count } tiba
dsb-co-waiting = { $count } menunggu
dsb-co-declined = { $count } berhalangan
dsb-arrivals = { $inside } dari { $count } tiba dalam radius { $radius }
dsb-arrivals-aria = Kedatangan di sekitar lokasi, lingkaran setiap { $radius }
dsb-north = U
dsb-open-map = 📍 Buka lokasi di peta

dsb-list-readiness = Daftar kesiapan
dsb-list-rollcall = Daftar apel
dsb-list-callout = Daftar pengerahan
dsb-list-count = { $count } personel
dsb-list-empty = Tidak ada personel dengan pilihan ini.
dsb-filter-all = semua
dsb-filter-category = Kategori
dsb-filter-unit = Satuan
dsb-filter-state = Keadaan
dsb-sort = Urutkan
dsb-sort-state = keadaan
dsb-sort-name = nama
dsb-sort-unit = satuan
dsb-sort-category = kategori
dsb-page = { $page } / { $pages }
dsb-page-prev = Sebelumnya
dsb-page-next = Berikutnya
dsb-no-phone = nomor telepon tidak ada
dsb-close = Tutup

dsb-state-siap = siap
dsb-state-stale = perlu konfirmasi ulang
dsb-state-tidak-siap = tidak siap
dsb-state-bertugas = bertugas
dsb-state-unknown = belum lapor
dsb-state-unreachable = tidak dapat dihubungi
dsb-state-yes = hadir
dsb-state-no = tidak hadir
dsb-state-belum-menjawab = belum lapor
dsb-state-tak-terjangkau = tidak dapat dihubungi
dsb-state-belum-terdaftar = belum terdaftar di bot
dsb-state-nonaktif = nonaktif
dsb-state-pending = menunggu
dsb-state-timed-out = menunggu (sudah diingatkan)
dsb-state-no-answer = 🔁 diganti
dsb-state-declined = berhalangan
dsb-state-accepted = siap berangkat
dsb-state-arrived = tiba di lokasi
dsb-state-stood-down = ditarik kembali ke satuan
dsb-state-cancelled = dibatalkan
