## Pengerahan (call-outs): /mobilize (/gerakkan) and /pengerahan — the reference catalog.

-mobilize-example = /mobilize BRIMOB 30 Kantor KPU Kalbar

cmd-mobilize = Gerakkan personel ke lokasi
cmd-mobilize-example = /mobilize BRIMOB 30 SAMAPTA 20 Kantor KPU Kalbar, Pontianak
cmd-pengerahan = Pengerahan aktif dan rekapnya
cmd-pengerahan-example = /pengerahan 12

## Bad orders: say what was wrong and show a correct example.

mobilize-error-usage = Format: <code>/mobilize KATEGORI JUMLAH [KATEGORI JUMLAH …] LOKASI</code>
    Pilihan: <code>latihan</code>, <code>sprin:NOMOR</code>, <code>batas:MENIT</code>, <code>cepat</code> / <code>tepat</code> / <code>semua</code>.
    Keterangan tambahan, masing-masing setelah <code>;</code>: <code>tugas:</code> (mis. BKO Polres Sanggau), <code>kumpul:</code> (titik kumpul), <code>lapor:</code> (nama dan telepon atau saluran radio).
    Contoh: <code>{ -mobilize-example }</code>
mobilize-error-unknown-category = Kategori "{ $value }" tidak dikenal. Kategori yang ada: { $known }. Contoh: <code>{ -mobilize-example }</code>
mobilize-error-quota-missing = Jumlah personel { $category } belum disebut. Contoh: <code>{ -mobilize-example }</code>
mobilize-error-quota-invalid = Jumlah "{ $value }" untuk { $category } harus bilangan bulat positif, misalnya 30. Contoh: <code>{ -mobilize-example }</code>
mobilize-error-quota-zero = Jumlah personel { $category } harus lebih dari 0. Contoh: <code>{ -mobilize-example }</code>
mobilize-error-quota-absurd = Jumlah "{ $value }" untuk { $category } melebihi batas yang dapat diproses. Periksa lagi jumlahnya. Contoh: <code>{ -mobilize-example }</code>
mobilize-error-duplicate-category = Kategori { $category } disebut dua kali; sebut setiap kategori sekali dengan jumlahnya. Contoh: <code>/mobilize BRIMOB 30 SAMAPTA 20 Kantor KPU Kalbar</code>
mobilize-error-location-missing = Lokasi tujuan belum disebut. Tulis lokasi setelah jumlah. Contoh: <code>{ -mobilize-example }</code>
mobilize-error-location-too-long = Lokasi terlalu panjang ({ $length } karakter, paling banyak { $max }). Tulis nama tempatnya saja; titik peta dapat dikirim terpisah. Contoh: <code>{ -mobilize-example }</code>
mobilize-error-ref-empty = Nomor sprin kosong. Tulis tanpa spasi, contoh: <code>sprin:Sprin/45/II/2024</code>
mobilize-error-ref-too-long = Nomor sprin terlalu panjang (paling banyak { $max } karakter), contoh: <code>sprin:Sprin/45/II/2024</code>
mobilize-error-timeout-invalid = Batas waktu "{ $value }" tidak valid: tulis jumlah menit { $min }–{ $max }, contoh: <code>batas:10</code>
mobilize-error-field-unknown = Keterangan "{ $value }" tidak dikenal. Tulis setelah <code>;</code> salah satu dari <code>tugas:</code>, <code>kumpul:</code>, <code>lapor:</code>. Contoh: <code>/mobilize BRIMOB 30 Kantor KPU Kalbar; tugas: BKO Polres Sanggau; lapor: Iptu Dedi 0812-3456-7890</code>
mobilize-error-field-empty = Keterangan <code>{ $field }:</code> kosong. Tulis isinya setelah titik dua, contoh: <code>; kumpul: Mako Brimob</code>
mobilize-error-field-too-long = Keterangan <code>{ $field }:</code> terlalu panjang ({ $length } karakter, paling banyak { $max }).
mobilize-error-field-time-invalid = Jam "{ $value }" tidak dikenal. Tulis jam dan menit, contoh: <code>07.30</code>
mobilize-error-out-of-scope = Anda tidak berwenang menggerakkan { $category }. Wewenang Anda: { $scope }.
mobilize-error-no-categories = Belum ada kategori. Minta admin mengimpor daftar kategori.
mobilize-scope-none = belum ada
mobilize-group-guided = Di grup, tulis perintah lengkap. Contoh: <code>{ -mobilize-example }</code>

## The confirm card

mobilize-confirm-title = <b>Konfirmasi pengerahan</b>
mobilize-confirm-title-drill = <b>Konfirmasi pengerahan — 🟡 LATIHAN</b>
mobilize-confirm-location = Lokasi: { $location }
mobilize-confirm-site = 📍 Titik peta: { $lat }, { $lon } (radius { $radius })
mobilize-confirm-no-site = Titik peta: belum ada. Kirim lokasi (lampiran → Lokasi) sekarang bila kedatangan ingin diverifikasi.
mobilize-confirm-ref = Sprin: { $ref }
mobilize-confirm-timeout = Batas jawab: { $minutes } menit
mobilize-confirm-line = <b>{ $category }</b> — kuota { $quota }
    ✅ siap { $ready } · ❌ tidak siap { $not_ready }
    ⏳ perlu konfirmasi ulang { $stale }
    bertugas { $deployed } · belum lapor { $unknown }
    🚫 tidak dapat dihubungi { $unreachable }
    belum terdaftar di bot { $unlinked }
mobilize-confirm-units = (hanya personel satuan Anda: { $units })
mobilize-confirm-over-available = Kuota { $category } ({ $quota }) melebihi yang dapat dipanggil ({ $available }); kekurangan { $short } dapat diperluas ke { $reserve }.
mobilize-confirm-over-available-no-reserve = Kuota { $category } ({ $quota }) melebihi yang dapat dipanggil ({ $available }); akan kurang { $short }.
mobilize-confirm-over-strength = { $requested } melebihi kekuatan { $category } ({ $strength }); kuota dibatasi ke yang siap: { $quota }.
mobilize-confirm-nobody = Tidak ada personel { $category } yang dapat dipanggil saat ini.
mobilize-confirm-strategy-title = <b>Cara memanggil</b> (ketuk tombol untuk mengganti):
mobilize-confirm-strategy-cepat = { $chosen ->
        [yes] ▶ <b>Cepat</b>
       *[no] Cepat
    } — memanggil ±{ $called } untuk { $quota }; kelebihan ditarik kembali ke satuan otomatis
mobilize-confirm-strategy-tepat = { $chosen ->
        [yes] ▶ <b>Tepat</b>
       *[no] Tepat
    } — memanggil { $called } untuk { $quota }; diganti bila berhalangan atau diam { $minutes } menit
mobilize-confirm-strategy-semua = { $chosen ->
        [yes] ▶ <b>Semua</b>
       *[no] Semua
    } — memanggil semua { $called } yang siap sekaligus; berhenti di kuota { $quota }
mobilize-strategy-cepat = Cepat
mobilize-strategy-tepat = Tepat
mobilize-strategy-semua = Semua
mobilize-strategy-chosen = ▶ { $label }
mobilize-confirm-question = Kirim panggilan sekarang?
mobilize-send = ✅ Kirim
mobilize-discard = Batal
mobilize-sent = ✅ Pengerahan #{ $id } dikirim. Rekap yang terus diperbarui menyusul di bawah.
mobilize-sent-short = Dikirim.
mobilize-discarded = Pengerahan dibatalkan sebelum dikirim.
mobilize-discarded-short = Dibatalkan.
mobilize-already-sent = Pengerahan ini sudah dikirim (#{ $id }).
mobilize-draft-gone = Konfirmasi ini sudah tidak berlaku. Mulai lagi dengan /mobilize.
mobilize-draft-expired = Konfirmasi ini sudah kedaluwarsa (angkanya bisa sudah berubah). Kirim perintah lagi.
mobilize-draft-not-yours = Konfirmasi ini milik komandan lain.
mobilize-nothing-to-send = Tidak ada personel yang dapat dipanggil. Periksa kesiapan, atau pilih kategori lain.
mobilize-site-saved = 📍 Titik lokasi tugas disimpan. Kedatangan diverifikasi dalam radius { $radius }.

## The guided order (buttons)

mobilize-guided-category = <b>Pengerahan</b> — pilih kategori:
mobilize-guided-category-more = <b>Pengerahan</b> ({ $summary }) — pilih kategori tambahan:
mobilize-guided-category-button = { $category } · { $ready } siap
mobilize-guided-count = Berapa personel <b>{ $category }</b>? ({ $ready } dapat dipanggil)
mobilize-guided-none-ready = Tidak ada personel <b>{ $category }</b> yang dapat dipanggil saat ini. Pilih kategori lain:
mobilize-guided-location = Pengerahan: <b>{ $summary }</b>
    Ketik lokasi tujuan (paling banyak 200 karakter), atau tambah kategori.
mobilize-guided-more = Tambah kategori
mobilize-input-stale = Pengerahan yang sedang disusun sudah tidak aktif. Mulai lagi dengan /mobilize.
mobilize-field-task = + Tugas/BKO
mobilize-field-assembly = + Titik kumpul
mobilize-field-report-to = + Lapor ke
mobilize-field-ask-task = Ketik tugas atau BKO (paling banyak { $max } karakter), contoh: <code>BKO Polres Sanggau</code>
mobilize-field-ask-assembly = Ketik tempat berkumpul sebelum berangkat (paling banyak { $max } karakter), contoh: <code>Mako Brimob</code>
mobilize-field-ask-report-to = Ketik kepada siapa melapor: nama dan nomor HP atau saluran radio (paling banyak { $max } karakter), contoh: <code>Iptu Dedi 0812-3456-7890</code>

## The invitation (private chat)

mobilize-invite-drill = 🟡 <b>LATIHAN — BUKAN PENGERAHAN SUNGGUHAN</b>
mobilize-invite-title = 🚨 <b>PENGERAHAN #{ $id } — { $category }</b>
mobilize-invite-needed = Dibutuhkan { $quota } personel
mobilize-invite-location = Lokasi: { $location }
mobilize-invite-map = 📍 <a href="{ $url }">Lihat titik lokasi di peta</a>
mobilize-invite-task = Tugas: { $task }
mobilize-invite-assembly = Kumpul di: { $assembly }
mobilize-invite-report-to = Lapor ke: { $report_to }
mobilize-invite-orderer = Atas perintah: { $name }
mobilize-invite-orderer-post = Atas perintah: { $name } ({ $position })
mobilize-invite-ref = Sprin: { $ref }
mobilize-invite-deadline = Jawab sebelum <b>{ $time }</b>
mobilize-accept = ✅ Siap berangkat
mobilize-decline = ❌ Berhalangan
mobilize-reminder-title = ⏰ <b>PENGINGAT — PENGERAHAN #{ $id } — { $category }</b>
mobilize-reminder-ask = Mohon jawab sebelum { $time }; bila tidak, Anda diganti dan komandan Anda diberi tahu.
mobilize-invite-stood-down = <b>PENGERAHAN #{ $id } — { $category }</b>
    ✅ Kuota sudah terpenuhi; Anda tidak jadi diberangkatkan. Terima kasih. Status Anda tetap SIAP.
mobilize-invite-cancelled = <b>PENGERAHAN #{ $id } — { $category } DIBATALKAN.</b> Anda tidak perlu berangkat. Status Anda tetap SIAP.
mobilize-invite-closed = <b>PENGERAHAN #{ $id } — { $category }</b> sudah selesai. Terima kasih; tetap siaga.

## Answers

mobilize-accepted = ✅ <b>Siap berangkat — PENGERAHAN #{ $id }</b>
    Tujuan: { $location }
    Setelah tiba, ketuk <b>📍 Tiba di lokasi</b>.
mobilize-accepted-short = Tercatat: siap berangkat.
mobilize-arrival-prompt = Ketuk <b>📍 Tiba di lokasi</b> saat Anda sampai di { $location } (PENGERAHAN #{ $id }).
mobilize-arrival-button = 📍 Tiba di lokasi
mobilize-late = Terima kasih atas kesiapan Anda. Kuota PENGERAHAN #{ $id } sudah terpenuhi; Anda tidak perlu berangkat. Tetap siaga.
mobilize-late-short = Kuota sudah terpenuhi. Terima kasih.
mobilize-declined-ask = ❌ Tercatat: Anda berhalangan ikut PENGERAHAN #{ $id }. Apa alasannya?
mobilize-declined-short = Tercatat: berhalangan.
mobilize-reason-recorded = ❌ Berhalangan ikut PENGERAHAN #{ $id } — { $reason }. Terima kasih.
    Status Anda sekarang TIDAK SIAP; kirim /siap bila sudah siap kembali.
mobilize-reason-ask-text = Tulis alasan singkat Anda (paling banyak 200 karakter):
mobilize-reason-too-long = Alasan terlalu panjang ({ $length } karakter, paling banyak 200). Mohon dipersingkat.
mobilize-already-accepted = Anda sudah menyatakan siap berangkat. Bila kemudian berhalangan, hubungi komandan Anda.
mobilize-already-declined = Jawaban Anda sudah tercatat.
mobilize-closed-short = Pengerahan ini sudah ditutup.
mobilize-busy = Anda sedang bertugas di pengerahan lain.
mobilize-not-yours = Tombol ini bukan untuk Anda.

## No answer: the person's own commander may answer for them

mobilize-noanswer-report = ⏳ <b>Belum lapor</b> — PENGERAHAN #{ $id } ({ $category })
    { $name } · { $unit }
    tidak menjawab panggilan ke { $location } setelah dua kali batas jawab, dan sudah diganti.
    Anda dapat menjawab atas namanya:
mobilize-proxy-accept = ✅ Siap berangkat (atas nama)
mobilize-proxy-decline = ❌ Berhalangan (atas nama)
mobilize-proxy-done-accept = ✅ Dijawab atas nama { $name }: siap berangkat (PENGERAHAN #{ $id }).
mobilize-proxy-done-decline = ❌ Dijawab atas nama { $name }: berhalangan (PENGERAHAN #{ $id }).
mobilize-proxy-done-late = Kuota PENGERAHAN #{ $id } sudah terpenuhi; jawaban untuk { $name } tidak dihitung.
mobilize-proxy-not-yours = Personel ini bukan wewenang Anda.
mobilize-proxy-told-accept = Komandan Anda ({ $commander }) menyatakan Anda <b>siap berangkat</b> — PENGERAHAN #{ $id } ke { $location }.
    Setelah tiba, ketuk <b>📍 Tiba di lokasi</b>.
mobilize-proxy-told-decline = Komandan Anda ({ $commander }) mencatat Anda berhalangan ikut PENGERAHAN #{ $id }.
mobilize-deactivated = 🚫 PENGERAHAN #{ $id }: { $name } sudah nonaktif di daftar personel dan diganti.

## The commander's live card

mobilize-card-title = 🚨 <b>PENGERAHAN #{ $id }</b> · { $categories }
    → { $location }
mobilize-card-drill = 🟡 <b>LATIHAN</b> — tidak dihitung dalam statistik
mobilize-card-orderer = Perintah: { $name }
mobilize-card-orderer-ref = Perintah: { $name }
    { $ref }
mobilize-card-line = <b>{ $category }</b> · kuota { $quota }
    ✅ { $accepted } siap berangkat · 📍 { $arrived } tiba
    ⏳ { $waiting } menunggu · ❌ { $declined } berhalangan
    🔁 { $replaced } diganti · { $no_answer } belum lapor
    🚫 { $unreachable } tidak dapat dihubungi
mobilize-card-strategy = { $strategy } · dipanggil { $called }
mobilize-card-reserve = → cadangan untuk { $category }
mobilize-card-widened = → { $amount } dialihkan ke { $reserve }
mobilize-card-filled = ✅ kuota terpenuhi
mobilize-card-short = kurang { $short }
mobilize-card-short-accepted = kekurangan { $short } disetujui
mobilize-card-progress = { $progress }
    berjalan { $minutes } mnt
mobilize-card-completed = ✅ <b>SELESAI</b> { $time } · berlangsung { $minutes } mnt
mobilize-card-cancelled = <b>DIBATALKAN</b> { $time }
mobilize-remind = ⏰ Ingatkan
mobilize-complete = ✅ Selesai
mobilize-cancel = Batalkan

## Short categories

mobilize-short = PENGERAHAN #{ $id }: <b>{ $category }</b> kurang { $short } personel (kuota { $quota }, siap berangkat { $accepted }). Tidak ada lagi personel siap yang dapat dipanggil.
mobilize-short-no-reserve = Kategori ini tidak punya cadangan.
mobilize-short-widen = Perluas ke { $reserve }
mobilize-short-accept = Setujui kekurangan
mobilize-short-resolved = ✅ PENGERAHAN #{ $id }: { $category } tidak kurang lagi.
mobilize-short-widened = PENGERAHAN #{ $id }: { $amount } dari kuota { $category } dialihkan ke { $reserve }.
mobilize-short-accepted = PENGERAHAN #{ $id }: kekurangan { $category } { $short } personel disetujui.
mobilize-short-nothing = Tidak ada kekurangan lagi.
mobilize-short-out-of-scope = Anda tidak berwenang menggerakkan { $reserve }.

## Card buttons

mobilize-confirm-complete = Selesaikan PENGERAHAN #{ $id }? Personel yang bertugas ditarik kembali ke satuan dan berstatus SIAP.
mobilize-confirm-cancel = Batalkan PENGERAHAN #{ $id }? Semua yang dipanggil diberi tahu; yang sudah berangkat ditarik kembali ke satuan dan berstatus SIAP.
mobilize-yes-complete = Ya, selesaikan
mobilize-yes-cancel = Ya, batalkan
mobilize-no = Tidak
mobilize-completed = ✅ PENGERAHAN #{ $id } diselesaikan.
mobilize-cancelled = PENGERAHAN #{ $id } dibatalkan.
mobilize-kept = Baik, pengerahan tetap berjalan.
mobilize-already-closed = PENGERAHAN #{ $id } sudah ditutup.
mobilize-manage-not-yours = Hanya komandan yang memerintahkan, komandan kategorinya, atau admin yang dapat mengubah pengerahan ini.
mobilize-reminded = Pengingat dikirim ke { $count } personel.
mobilize-remind-none = Tidak ada yang menunggu jawaban.
mobilize-remind-wait = Pengingat baru saja dikirim; mohon tunggu sebentar sebelum mengingatkan lagi.
mobilize-released = ✅ <b>PENGERAHAN #{ $id } selesai.</b> Terima kasih atas tugas Anda. Anda ditarik kembali ke satuan; status Anda kembali SIAP.
mobilize-cancelled-person = <b>PENGERAHAN #{ $id } DIBATALKAN.</b> Anda tidak perlu berangkat; bila sudah di jalan atau di lokasi, kembali ke satuan. Status Anda kembali SIAP.

## Arrival

mobilize-arrived-verified = 📍 Kedatangan tercatat — PENGERAHAN #{ $id } (terverifikasi, { $distance } dari titik lokasi).
mobilize-arrived-reported = 📍 Kedatangan tercatat — PENGERAHAN #{ $id }.
mobilize-arrival-outside = Lokasi Anda { $distance } dari titik lokasi tugas (batas { $radius }). Kirim lagi setelah tiba.
mobilize-arrival-forwarded = Kirim lokasi Anda saat ini dengan tombol <b>📍 Tiba di lokasi</b>, bukan lokasi terusan.

## /pengerahan

mobilize-list-title = <b>Pengerahan aktif</b>
mobilize-list-item = #{ $id } { $summary } · { $minutes } mnt
    → { $location }
mobilize-list-drill = 🟡 LATIHAN
mobilize-list-empty = Tidak ada pengerahan aktif dalam wewenang Anda.
mobilize-list-hint = Ketik <code>/pengerahan NOMOR</code> untuk melihat rekapnya, contoh: <code>/pengerahan 12</code>
mobilize-show-unknown = Pengerahan "{ $value }" tidak ditemukan. Ketik /pengerahan untuk melihat daftar.
mobilize-show-not-yours = Pengerahan #{ $id } di luar wewenang Anda.
mobilize-names-accepted = <b>Siap berangkat</b>
mobilize-names-declined = <b>Berhalangan</b>
mobilize-names-no-answer = <b>Belum lapor</b>
mobilize-names-unreachable = <b>Tidak dapat dihubungi</b>
mobilize-names-person = • { $name } · { $unit } { $mark }
mobilize-names-arrived = 📍
mobilize-names-proxy = (dijawab komandan)

mobilize-batch-title = PENGERAHAN #{ $id } · { $categories }
mobilize-declined-not-ready = ❌ Anda melaporkan TIDAK SIAP, jadi Anda tercatat berhalangan untuk panggilan PENGERAHAN #{ $id }. Personel lain sudah dipanggil.
