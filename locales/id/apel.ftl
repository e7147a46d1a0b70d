## Apel (roll call) and the readiness check that shares its engine — Indonesian (reference).
## $kind is "apel" or "cek" (cek kesiapan).

cmd-apel = Buka apel
cmd-apel-example = /apel BRIMOB 30

## Opening

apel-scope-all = SEMUA
apel-scope-all-button = Semua
apel-unknown-scope = Kategori atau satuan "{ $value }" tidak dikenal. Kategori yang ada: { $categories }. Satuan ditulis lengkap, contoh: <code>/{ $command } Polres Sanggau 30</code>. Contoh lain: <code>/{ $command } BRIMOB 30</code> atau <code>/{ $command } semua 30</code>
apel-minutes-invalid = Durasi "{ $value }" bukan jumlah menit. Tulis angka menit setelah kategori, contoh: <code>/{ $command } BRIMOB 30</code>
apel-minutes-not-positive = Durasi "{ $value }" tidak berlaku: harus lebih dari 0 menit. Contoh: <code>/{ $command } BRIMOB 30</code>
apel-minutes-too-long = Durasi "{ $value }" terlalu lama: paling lama { $max } menit (24 jam). Contoh: <code>/{ $command } BRIMOB 30</code>
apel-field-unknown = Keterangan "{ $value }" tidak dikenal. Tulis setelah <code>;</code> salah satu dari <code>tempat:</code> atau <code>pukul:</code>. Contoh: <code>/apel semua 30 Apel siaga; tempat: Lapangan Mapolda; pukul: 07.30</code>
apel-field-empty = Keterangan <code>{ $field }:</code> kosong. Tulis isinya setelah titik dua, contoh: <code>; tempat: Lapangan Mapolda</code>
apel-field-too-long = Keterangan <code>{ $field }:</code> terlalu panjang ({ $length } karakter, paling banyak { $max }).
apel-field-time-invalid = Jam "{ $value }" tidak dikenal. Tulis jam dan menit, contoh: <code>; pukul: 07.30</code>
apel-usage = Format: <code>/apel [KATEGORI|SATUAN|semua] [MENIT] [JUDUL]</code>
    Keterangan tambahan, masing-masing setelah <code>;</code>: <code>tempat:</code> (nama titik kumpul), <code>pukul:</code> (jam apel, bukan batas jawab).
    Contoh: <code>/apel semua 30 Apel siaga; tempat: Lapangan Mapolda; pukul: 07.30</code>
apel-scope-forbidden = ❌ { $value } di luar wewenang Anda; tidak ada yang dipanggil. Wewenang Anda: { $scope }.
apel-scope-empty = Tidak ada personel aktif dalam { $value }.
apel-no-scope = Anda belum punya wewenang atas satuan atau kategori mana pun. Hubungi admin.
apel-nobody-linked = Belum ada personel { $value } yang terdaftar di bot, jadi tidak ada yang bisa dipanggil ({ $unlinked } belum terdaftar). Minta mereka mendaftar dengan /start.
apel-opened = ✅ <b>{ $name }</b> dibuka: { $count } personel dipanggil, { $kind ->
        [cek] batas jawab
       *[other] ditutup
    } { $time }.{ $narrowed }
    Rekap menyusul dan terus diperbarui.
apel-opened-narrowed = { " " }Hanya personel dalam wewenang Anda yang dipanggil.
apel-opened-short = Dibuka.

## Guided opening (buttons)

apel-draft-pick-scope = <b>{ $kind ->
        [cek] Cek kesiapan
       *[other] Apel
    } baru</b> — pilih peserta:
apel-draft-pick-minutes = <b>{ $kind ->
        [cek] Cek kesiapan
       *[other] Apel
    } baru</b> · { $scope }
    Pilih batas waktu:
apel-draft-summary = <b>{ $kind ->
        [cek] Cek kesiapan
       *[other] Apel
    } baru</b>
    Peserta: { $scope } ({ $count } personel terdaftar)
    Batas waktu: { $minutes } menit (sampai { $time })
    Judul: { $title }
    Titik kumpul: { $point }
apel-draft-none = —
apel-draft-point = radius { $radius }
apel-button-open = ✅ { $kind ->
        [cek] Mulai cek kesiapan
       *[other] Buka apel
    }
apel-button-point = 📍 Titik kumpul
apel-button-title = Judul
apel-button-cancel = Batal
apel-button-minutes = { $minutes } mnt{ $default ->
        [yes] { " " }(standar)
       *[other] { "" }
    }
apel-draft-cancelled = Dibatalkan; tidak ada yang dipanggil.
apel-draft-gone = Draf ini sudah tidak berlaku. Ketik /apel untuk mulai lagi.
apel-draft-not-yours = Draf ini milik komandan lain.
apel-draft-ask-point = 📍 Kirim lokasi titik kumpul: ketuk tombol di bawah untuk lokasi Anda sekarang, atau pilih tempat lain lewat lampiran → Lokasi.
apel-draft-point-button = 📍 Lokasi saya sebagai titik kumpul
apel-draft-point-private = Titik kumpul hanya bisa diatur di chat pribadi dengan bot.
apel-draft-point-saved = 📍 Titik kumpul tercatat.
apel-draft-pick-radius = Pilih radius titik kumpul:
apel-draft-ask-title = Ketik judul (paling banyak { $max } karakter), contoh: <code>Apel siaga pagi</code>
apel-draft-title-empty = Judul tidak boleh kosong. Ketik judul, contoh: <code>Apel siaga pagi</code>
apel-draft-when-where = Tempat: { $place }
    Pukul: { $time }
apel-button-place = Tempat
apel-button-time = Pukul
apel-draft-ask-place = Ketik nama tempat apel (paling banyak { $max } karakter), contoh: <code>Lapangan Mapolda</code>
apel-draft-ask-time = Ketik jam apel (bukan batas jawab), contoh: <code>07.30</code>

## What each person receives

rollcall-name = { $kind ->
        [cek] CEK KESIAPAN
       *[other] APEL
    } #{ $id } · { $scope }
rollcall-prompt = <b>{ $name }</b>{ $title }
    { $kind ->
        [cek] Diminta oleh { $opener }
       *[other] Dibuka oleh { $opener }
    }
    Batas jawab { $time }
rollcall-when-where = { $kind ->
        [cek] Kumpul
       *[other] Apel
    } { $time }
    📍 { $place }
rollcall-when = { $kind ->
        [cek] Kumpul
       *[other] Apel
    } { $time }
rollcall-where = 📍 { $place }
rollcall-prompt-point = 📍 Titik kumpul, radius { $radius }: setelah menjawab Hadir, bagikan lokasi Anda.
rollcall-question = { $kind ->
        [cek] Apakah Anda SIAP?
       *[other] Apakah Anda hadir?
    }
rollcall-yes = { $kind ->
        [cek] ✅ Siap
       *[other] ✅ Hadir
    }
rollcall-no = { $kind ->
        [cek] ❌ Tidak siap
       *[other] ❌ Tidak hadir
    }
rollcall-back = Kembali
rollcall-pick-reason = { $kind ->
        [cek] Pilih alasan tidak siap:
       *[other] Pilih alasan tidak hadir:
    }
rollcall-pick-reason-short = Pilih alasannya.
rollcall-status-yes = ✅ Tercatat: <b>{ $kind ->
        [cek] SIAP
       *[other] HADIR
    }</b> · { $time }
rollcall-status-yes-awaiting = ✅ Tercatat: <b>HADIR</b> · { $time }
    📍 Ketuk <b>Bagikan lokasi saya</b> di bawah layar untuk verifikasi di titik kumpul.
rollcall-status-no = ❌ Tercatat: <b>{ $kind ->
        [cek] TIDAK SIAP
       *[other] TIDAK HADIR
    }</b> ({ $reason }) · { $time }
rollcall-status-write-reason = Ketik alasan singkat sebagai balasan di chat ini.
rollcall-status-change = Jawaban bisa diubah sampai { $time }.
rollcall-answered-yes = { $kind ->
        [cek] ✅ SIAP tercatat.
       *[other] ✅ HADIR tercatat.
    }
rollcall-answered-no = { $kind ->
        [cek] ❌ TIDAK SIAP tercatat: { $reason }.
       *[other] ❌ TIDAK HADIR tercatat: { $reason }.
    }
rollcall-write-reason = Tercatat. Ketik alasannya di chat ini.
rollcall-answer-same = Jawaban ini sudah tercatat.
rollcall-closed = { $kind ->
        [cek] Cek kesiapan ini sudah ditutup; jawaban tidak dapat diubah lagi. Gunakan /kesiapan untuk mengubah status Anda.
       *[other] Apel sudah ditutup; jawaban tidak dapat diubah lagi.
    }
rollcall-closed-text = { $kind ->
        [cek] Cek kesiapan ini sudah ditutup; alasan tidak dicatat. Gunakan /kesiapan untuk mengubah status Anda.
       *[other] Apel sudah ditutup; alasan tidak dicatat.
    }
rollcall-not-yours = Tombol ini bukan untuk Anda.
rollcall-reason-saved = ✅ Alasan tercatat untuk <b>{ $name }</b>: { $reason }
rollcall-reason-not-lainnya = Jawaban Anda sudah bukan "lainnya"; teks ini tidak dicatat.
rollcall-reminder = ⏰ <b>Pengingat · { $name }</b>
    Anda belum lapor. Jawab sebelum { $time } ({ $minutes } menit lagi); bila tidak, Anda tercatat belum lapor.

## Location at an assembly point

rollcall-location-request = 📍 <b>{ $name }</b>: ketuk <b>📍 Bagikan lokasi saya</b> di bawah untuk verifikasi kehadiran di titik kumpul (radius { $radius }).
rollcall-location-button = 📍 Bagikan lokasi saya
rollcall-location-inside = 📍 Lokasi terverifikasi: { $distance } dari titik kumpul. ✅ Tercatat HADIR di <b>{ $name }</b>.
rollcall-location-outside = 📍 Anda berada { $distance } dari titik kumpul <b>{ $name }</b> (radius { $radius }). Tercatat hadir <b>di luar radius</b>; komandan melihat jaraknya. Kirim lagi setelah tiba.
rollcall-location-shared = 📍 Lokasi tercatat untuk <b>{ $name }</b>.
rollcall-location-forwarded = ❌ Lokasi terusan tidak dapat dipakai. Ketuk <b>📍 Bagikan lokasi saya</b> untuk mengirim lokasi Anda saat ini.

## The commander's live card

rollcall-card-title = <b>{ $name }</b>{ $title }
rollcall-card-open = { $kind ->
        [cek] Diminta oleh { $opener }
       *[other] Dibuka oleh { $opener }
    }
    Batas jawab { $time }
rollcall-card-closed = Ditutup { $time }
    Laporan dikirim ke chat pribadi komandan.
rollcall-card-point = 📍 Titik kumpul, radius { $radius }
rollcall-card-totals = Dipanggil { $called } · ✅ { $yes } · ❌ { $no } · ⏳ { $pending }
rollcall-card-category = <b>{ $category }</b> · dipanggil { $called }
rollcall-card-yes = ✅ { $kind ->
        [cek] siap
       *[other] hadir
    } { $count }
rollcall-card-yes-location = ✅ hadir { $count }
    📍 { $inside } di titik · { $outside } di luar radius
    📍 { $awaiting } belum kirim lokasi
rollcall-card-no = ❌ { $kind ->
        [cek] tidak siap
       *[other] tidak hadir
    } { $count }{ $reasons }
rollcall-card-pending = ⏳ belum lapor { $count }
rollcall-card-pending-unreachable = ⏳ belum lapor { $count }
    🚫 { $unreachable } tidak dapat dihubungi
rollcall-card-sent = Terkirim { $sent }/{ $total }
rollcall-card-excluded = Tidak dipanggil:
    { $parts }
rollcall-card-excluded-unlinked = { $count } belum terdaftar di bot
rollcall-card-excluded-bertugas = { $count } sedang bertugas
rollcall-card-excluded-nonaktif = { $count } dinonaktifkan
rollcall-card-hint = Rekap ini terus diperbarui.
rollcall-button-remind = Ingatkan yang belum
rollcall-button-extend = Perpanjang { $minutes } mnt
rollcall-button-close = Tutup sekarang
rollcall-not-owner = Hanya komandan yang membuka ini, atau admin, yang dapat melakukannya.
rollcall-already-closed = Sudah ditutup.
rollcall-reminded = Pengingat dikirim ke { $count } personel yang belum lapor.
rollcall-reminded-none = Tidak ada yang perlu diingatkan: semua yang dipanggil sudah lapor atau belum menerima pesan.
rollcall-remind-too-soon = Pengingat baru saja dikirim. Mohon tunggu 1 menit sebelum mengingatkan lagi.
rollcall-extended = Diperpanjang sampai { $time }.
rollcall-extend-too-long = Tidak dapat diperpanjang: paling lama 24 jam sejak dibuka.
rollcall-closed-now = Ditutup. Laporan dikirim ke chat pribadi Anda.

## The closing report (commander's private chat only: it has phone numbers)

rollcall-report-title = <b>LAPORAN { $name }</b>{ $title }
rollcall-report-times = Dibuka { $opened } oleh { $opener }
    Ditutup { $closed }
rollcall-report-line = { $kind ->
        [cek] Jumlah { $jumlah } · Kurang { $kurang } · Siap { $hadir }
       *[other] Jumlah { $jumlah } · Kurang { $kurang } · Hadir { $hadir }
    }
rollcall-report-whole = <b>Jumlah seluruhnya</b>
rollcall-report-keterangan = Keterangan:
rollcall-report-ket = { $label } ({ $count }): { $names }
rollcall-report-call = { $ket ->
        [tidak_dapat_dihubungi] 🚫
       *[other] ⏳
    } <b>{ $label }</b> ({ $count }), hubungi lewat telepon atau radio:
rollcall-report-name-text = { $name } ({ $text })
rollcall-ket-sakit = Sakit
rollcall-ket-izin = Izin
rollcall-ket-cuti = Cuti
rollcall-ket-dik = Dik
rollcall-ket-dinas-luar = DL
rollcall-ket-bko = BKO
rollcall-ket-lainnya = Lainnya
rollcall-ket-bertugas = Bertugas (pengerahan)
rollcall-ket-nonaktif = Nonaktif
rollcall-ket-belum-terdaftar = Belum terdaftar di bot
rollcall-ket-tidak-dapat-dihubungi = Tidak dapat dihubungi
rollcall-ket-belum-lapor = Belum lapor
rollcall-report-all-answered = ✅ Semua yang dipanggil dan dapat dihubungi sudah lapor.
rollcall-report-category = <b>{ $category }</b>
rollcall-report-person = { $n }. { $name }
    { $unit } · { $phone }
rollcall-report-person-distance = { $n }. { $name }
    { $unit } · { $distance }
rollcall-report-outside = 📍 <b>Hadir di luar radius</b> ({ $count }):
rollcall-report-no-location = 📍 <b>Hadir tanpa kiriman lokasi</b> ({ $count }):
rollcall-report-file = Daftar lengkap ({ $count } personel) ada di file terlampir.
