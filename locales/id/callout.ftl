## Pengerahan (call-outs): /mobilize (/gerakkan) and /pengerahan — the reference catalog.

-callout-example = /mobilize BRIMOB 30 Kantor KPU Kalbar

cmd-mobilize = Gerakkan personel ke lokasi
cmd-mobilize-example = /mobilize BRIMOB 30 SAMAPTA 20 Kantor KPU Kalbar, Pontianak
cmd-pengerahan = Pengerahan aktif dan rekapnya
cmd-pengerahan-example = /pengerahan 12

## Bad orders: say what was wrong and show a correct example.

callout-error-usage = Format: <code>/mobilize KATEGORI JUMLAH [KATEGORI JUMLAH …] LOKASI</code>
    Pilihan: <code>latihan</code>, <code>sprin:NOMOR</code>, <code>batas:MENIT</code>, <code>cepat</code> / <code>tepat</code> / <code>semua</code>.
    Keterangan tambahan, masing-masing setelah <code>;</code>: <code>tugas:</code> (mis. BKO Polres Sanggau), <code>kumpul:</code> (titik kumpul), <code>lapor:</code> (nama dan telepon atau saluran radio).
    Contoh: <code>{ -callout-example }</code>
callout-error-unknown-category = Kategori "{ $value }" tidak dikenal. Kategori yang ada: { $known }. Contoh: <code>{ -callout-example }</code>
callout-error-quota-missing = Jumlah personel { $category } belum disebut. Contoh: <code>{ -callout-example }</code>
callout-error-quota-invalid = Jumlah "{ $value }" untuk { $category } harus bilangan bulat positif, misalnya 30. Contoh: <code>{ -callout-example }</code>
callout-error-quota-zero = Jumlah personel { $category } harus lebih dari 0. Contoh: <code>{ -callout-example }</code>
callout-error-quota-absurd = Jumlah "{ $value }" untuk { $category } melebihi batas yang dapat diproses. Periksa lagi jumlahnya. Contoh: <code>{ -callout-example }</code>
callout-error-duplicate-category = Kategori { $category } disebut dua kali; sebut setiap kategori sekali dengan jumlahnya. Contoh: <code>/mobilize BRIMOB 30 SAMAPTA 20 Kantor KPU Kalbar</code>
callout-error-location-missing = Lokasi tujuan belum disebut. Tulis lokasi setelah jumlah. Contoh: <code>{ -callout-example }</code>
callout-error-location-too-long = Lokasi terlalu panjang ({ $length } karakter, paling banyak { $max }). Tulis nama tempatnya saja; titik peta dapat dikirim terpisah. Contoh: <code>{ -callout-example }</code>
callout-error-ref-empty = Nomor sprin kosong. Tulis tanpa spasi, contoh: <code>sprin:Sprin/45/II/2024</code>
callout-error-ref-too-long = Nomor sprin terlalu panjang (paling banyak { $max } karakter), contoh: <code>sprin:Sprin/45/II/2024</code>
callout-error-timeout-invalid = Batas waktu "{ $value }" tidak valid: tulis jumlah menit { $min }–{ $max }, contoh: <code>batas:10</code>
callout-error-field-unknown = Keterangan "{ $value }" tidak dikenal. Tulis setelah <code>;</code> salah satu dari <code>tugas:</code>, <code>kumpul:</code>, <code>lapor:</code>. Contoh: <code>/mobilize BRIMOB 30 Kantor KPU Kalbar; tugas: BKO Polres Sanggau; lapor: Iptu Dedi 0812-3456-7890</code>
callout-error-field-empty = Keterangan <code>{ $field }:</code> kosong. Tulis isinya setelah titik dua, contoh: <code>; kumpul: Mako Brimob</code>
callout-error-field-too-long = Keterangan <code>{ $field }:</code> terlalu panjang ({ $length } karakter, paling banyak { $max }).
callout-error-field-time-invalid = Jam "{ $value }" tidak dikenal. Tulis jam dan menit, contoh: <code>07.30</code>
callout-error-out-of-scope = Anda tidak berwenang menggerakkan { $category }. Wewenang Anda: { $scope }.
callout-error-no-categories = Belum ada kategori. Minta admin mengimpor daftar kategori.
callout-scope-none = belum ada
callout-group-guided = Di grup, tulis perintah lengkap. Contoh: <code>{ -callout-example }</code>

## The confirm card

callout-confirm-title = <b>Konfirmasi pengerahan</b>
callout-confirm-title-drill = <b>Konfirmasi pengerahan — 🟡 LATIHAN</b>
callout-confirm-location = Lokasi: { $location }
callout-confirm-site = 📍 Titik peta: { $lat }, { $lon } (radius { $radius })
callout-confirm-no-site = Titik peta: belum ada. Kirim lokasi (lampiran → Lokasi) sekarang bila kedatangan ingin diverifikasi.
callout-confirm-ref = Sprin: { $ref }
callout-confirm-timeout = Batas jawab: { $minutes } menit
callout-confirm-line = <b>{ $category }</b> — kuota { $quota }
    ✅ siap { $ready } · ❌ tidak siap { $not_ready }
    ⏳ perlu konfirmasi ulang { $stale }
    bertugas { $deployed } · belum lapor { $unknown }
    🚫 tidak dapat dihubungi { $unreachable }
    belum terdaftar di bot { $unlinked }
callout-confirm-units = (hanya personel satuan Anda: { $units })
callout-confirm-over-available = Kuota { $category } ({ $quota }) melebihi yang dapat dipanggil ({ $available }); kekurangan { $short } dapat diperluas ke { $reserve }.
callout-confirm-over-available-no-reserve = Kuota { $category } ({ $quota }) melebihi yang dapat dipanggil ({ $available }); akan kurang { $short }.
callout-confirm-over-strength = { $requested } melebihi kekuatan { $category } ({ $strength }); kuota dibatasi ke yang siap: { $quota }.
callout-confirm-nobody = Tidak ada personel { $category } yang dapat dipanggil saat ini.
callout-confirm-strategy-title = <b>Cara memanggil</b> (ketuk tombol untuk mengganti):
callout-confirm-strategy-cepat = { $chosen ->
        [yes] ▶ <b>Cepat</b>
       *[no] Cepat
    } — memanggil ±{ $called } untuk { $quota }; kelebihan ditarik kembali ke satuan otomatis
callout-confirm-strategy-tepat = { $chosen ->
        [yes] ▶ <b>Tepat</b>
       *[no] Tepat
    } — memanggil { $called } untuk { $quota }; diganti bila berhalangan atau diam { $minutes } menit
callout-confirm-strategy-semua = { $chosen ->
        [yes] ▶ <b>Semua</b>
       *[no] Semua
    } — memanggil semua { $called } yang siap sekaligus; berhenti di kuota { $quota }
callout-strategy-cepat = Cepat
callout-strategy-tepat = Tepat
callout-strategy-semua = Semua
callout-strategy-chosen = ▶ { $label }
callout-confirm-question = Kirim panggilan sekarang?
callout-send = ✅ Kirim
callout-discard = Batal
callout-sent = ✅ Pengerahan #{ $id } dikirim. Rekap yang terus diperbarui menyusul di bawah.
callout-sent-short = Dikirim.
callout-discarded = Pengerahan dibatalkan sebelum dikirim.
callout-discarded-short = Dibatalkan.
callout-already-sent = Pengerahan ini sudah dikirim (#{ $id }).
callout-draft-gone = Konfirmasi ini sudah tidak berlaku. Mulai lagi dengan /mobilize.
callout-draft-expired = Konfirmasi ini sudah kedaluwarsa (angkanya bisa sudah berubah). Kirim perintah lagi.
callout-draft-not-yours = Konfirmasi ini milik komandan lain.
callout-nothing-to-send = Tidak ada personel yang dapat dipanggil. Periksa kesiapan, atau pilih kategori lain.
callout-site-saved = 📍 Titik lokasi tugas disimpan. Kedatangan diverifikasi dalam radius { $radius }.

## The guided order (buttons)

callout-guided-category = <b>Pengerahan</b> — pilih kategori:
callout-guided-category-more = <b>Pengerahan</b> ({ $summary }) — pilih kategori tambahan:
callout-guided-category-button = { $category } · { $ready } siap
callout-guided-count = Berapa personel <b>{ $category }</b>? ({ $ready } dapat dipanggil)
callout-guided-none-ready = Tidak ada personel <b>{ $category }</b> yang dapat dipanggil saat ini. Pilih kategori lain:
callout-guided-location = Pengerahan: <b>{ $summary }</b>
    Ketik lokasi tujuan (paling banyak 200 karakter), atau tambah kategori.
callout-guided-more = Tambah kategori
callout-input-stale = Pengerahan yang sedang disusun sudah tidak aktif. Mulai lagi dengan /mobilize.
callout-field-task = + Tugas/BKO
callout-field-assembly = + Titik kumpul
callout-field-report-to = + Lapor ke
callout-field-ask-task = Ketik tugas atau BKO (paling banyak { $max } karakter), contoh: <code>BKO Polres Sanggau</code>
callout-field-ask-assembly = Ketik tempat berkumpul sebelum berangkat (paling banyak { $max } karakter), contoh: <code>Mako Brimob</code>
callout-field-ask-report-to = Ketik kepada siapa melapor: nama dan nomor HP atau saluran radio (paling banyak { $max } karakter), contoh: <code>Iptu Dedi 0812-3456-7890</code>

## The invitation (private chat)

callout-invite-drill = 🟡 <b>LATIHAN — BUKAN PENGERAHAN SUNGGUHAN</b>
callout-invite-title = 🚨 <b>PENGERAHAN #{ $id } — { $category }</b>
callout-invite-needed = Dibutuhkan { $quota } personel
callout-invite-location = Lokasi: { $location }
callout-invite-map = 📍 <a href="{ $url }">Lihat titik lokasi di peta</a>
callout-invite-task = Tugas: { $task }
callout-invite-assembly = Kumpul di: { $assembly }
callout-invite-report-to = Lapor ke: { $report_to }
callout-invite-orderer = Atas perintah: { $name }
callout-invite-orderer-post = Atas perintah: { $name } ({ $position })
callout-invite-ref = Sprin: { $ref }
callout-invite-deadline = Jawab sebelum <b>{ $time }</b>
callout-accept = ✅ Siap berangkat
callout-decline = ❌ Berhalangan
callout-reminder-title = ⏰ <b>PENGINGAT — PENGERAHAN #{ $id } — { $category }</b>
callout-reminder-ask = Mohon jawab sebelum { $time }; bila tidak, Anda diganti dan komandan Anda diberi tahu.
callout-invite-stood-down = <b>PENGERAHAN #{ $id } — { $category }</b>
    ✅ Kuota sudah terpenuhi; Anda tidak jadi diberangkatkan. Terima kasih. Status Anda tetap SIAP.
callout-invite-cancelled = <b>PENGERAHAN #{ $id } — { $category } DIBATALKAN.</b> Anda tidak perlu berangkat. Status Anda tetap SIAP.
callout-invite-closed = <b>PENGERAHAN #{ $id } — { $category }</b> sudah selesai. Terima kasih; tetap siaga.

## Answers

callout-accepted = ✅ <b>Siap berangkat — PENGERAHAN #{ $id }</b>
    Tujuan: { $location }
    Setelah tiba, ketuk <b>📍 Tiba di lokasi</b>.
callout-accepted-short = Tercatat: siap berangkat.
callout-arrival-prompt = Ketuk <b>📍 Tiba di lokasi</b> saat Anda sampai di { $location } (PENGERAHAN #{ $id }).
callout-arrival-button = 📍 Tiba di lokasi
callout-late = Terima kasih atas kesiapan Anda. Kuota PENGERAHAN #{ $id } sudah terpenuhi; Anda tidak perlu berangkat. Tetap siaga.
callout-late-short = Kuota sudah terpenuhi. Terima kasih.
callout-declined-ask = ❌ Tercatat: Anda berhalangan ikut PENGERAHAN #{ $id }. Apa alasannya?
callout-declined-short = Tercatat: berhalangan.
callout-reason-recorded = ❌ Berhalangan ikut PENGERAHAN #{ $id } — { $reason }. Terima kasih.
    Status Anda sekarang TIDAK SIAP; kirim /siap bila sudah siap kembali.
callout-reason-ask-text = Tulis alasan singkat Anda (paling banyak 200 karakter):
callout-reason-too-long = Alasan terlalu panjang ({ $length } karakter, paling banyak 200). Mohon dipersingkat.
callout-already-accepted = Anda sudah menyatakan siap berangkat. Bila kemudian berhalangan, hubungi komandan Anda.
callout-already-declined = Jawaban Anda sudah tercatat.
callout-closed-short = Pengerahan ini sudah ditutup.
callout-busy = Anda sedang bertugas di pengerahan lain.
callout-not-yours = Tombol ini bukan untuk Anda.

## No answer: the person's own commander may answer for them

callout-noanswer-report = ⏳ <b>Belum lapor</b> — PENGERAHAN #{ $id } ({ $category })
    { $name } · { $unit }
    tidak menjawab panggilan ke { $location } setelah dua kali batas jawab, dan sudah diganti.
    Anda dapat menjawab atas namanya:
callout-proxy-accept = ✅ Siap berangkat (atas nama)
callout-proxy-decline = ❌ Berhalangan (atas nama)
callout-proxy-done-accept = ✅ Dijawab atas nama { $name }: siap berangkat (PENGERAHAN #{ $id }).
callout-proxy-done-decline = ❌ Dijawab atas nama { $name }: berhalangan (PENGERAHAN #{ $id }).
callout-proxy-done-late = Kuota PENGERAHAN #{ $id } sudah terpenuhi; jawaban untuk { $name } tidak dihitung.
callout-proxy-not-yours = Personel ini bukan wewenang Anda.
callout-proxy-told-accept = Komandan Anda ({ $commander }) menyatakan Anda <b>siap berangkat</b> — PENGERAHAN #{ $id } ke { $location }.
    Setelah tiba, ketuk <b>📍 Tiba di lokasi</b>.
callout-proxy-told-decline = Komandan Anda ({ $commander }) mencatat Anda berhalangan ikut PENGERAHAN #{ $id }.
callout-deactivated = 🚫 PENGERAHAN #{ $id }: { $name } sudah nonaktif di daftar personel dan diganti.

## The commander's live card

callout-card-title = 🚨 <b>PENGERAHAN #{ $id }</b> · { $categories }
    → { $location }
callout-card-drill = 🟡 <b>LATIHAN</b> — tidak dihitung dalam statistik
callout-card-orderer = Perintah: { $name }
callout-card-orderer-ref = Perintah: { $name }
    { $ref }
callout-card-line = <b>{ $category }</b> · kuota { $quota }
    ✅ { $accepted } siap berangkat · 📍 { $arrived } tiba
    ⏳ { $waiting } menunggu · ❌ { $declined } berhalangan
    🔁 { $replaced } diganti · { $no_answer } belum lapor
    🚫 { $unreachable } tidak dapat dihubungi
callout-card-strategy = { $strategy } · dipanggil { $called }
callout-card-reserve = → cadangan untuk { $category }
callout-card-widened = → { $amount } dialihkan ke { $reserve }
callout-card-filled = ✅ kuota terpenuhi
callout-card-short = kurang { $short }
callout-card-short-accepted = kekurangan { $short } disetujui
callout-card-progress = { $progress }
    berjalan { $minutes } mnt
callout-card-completed = ✅ <b>SELESAI</b> { $time } · berlangsung { $minutes } mnt
callout-card-cancelled = <b>DIBATALKAN</b> { $time }
callout-remind = ⏰ Ingatkan
callout-complete = ✅ Selesai
callout-cancel = Batalkan

## Short categories

callout-short = PENGERAHAN #{ $id }: <b>{ $category }</b> kurang { $short } personel (kuota { $quota }, siap berangkat { $accepted }). Tidak ada lagi personel siap yang dapat dipanggil.
callout-short-no-reserve = Kategori ini tidak punya cadangan.
callout-short-widen = Perluas ke { $reserve }
callout-short-accept = Setujui kekurangan
callout-short-resolved = ✅ PENGERAHAN #{ $id }: { $category } tidak kurang lagi.
callout-short-widened = PENGERAHAN #{ $id }: { $amount } dari kuota { $category } dialihkan ke { $reserve }.
callout-short-accepted = PENGERAHAN #{ $id }: kekurangan { $category } { $short } personel disetujui.
callout-short-nothing = Tidak ada kekurangan lagi.
callout-short-out-of-scope = Anda tidak berwenang menggerakkan { $reserve }.

## Card buttons

callout-confirm-complete = Selesaikan PENGERAHAN #{ $id }? Personel yang bertugas ditarik kembali ke satuan dan berstatus SIAP.
callout-confirm-cancel = Batalkan PENGERAHAN #{ $id }? Semua yang dipanggil diberi tahu; yang sudah berangkat ditarik kembali ke satuan dan berstatus SIAP.
callout-yes-complete = Ya, selesaikan
callout-yes-cancel = Ya, batalkan
callout-no = Tidak
callout-completed = ✅ PENGERAHAN #{ $id } diselesaikan.
callout-cancelled = PENGERAHAN #{ $id } dibatalkan.
callout-kept = Baik, pengerahan tetap berjalan.
callout-already-closed = PENGERAHAN #{ $id } sudah ditutup.
callout-manage-not-yours = Hanya komandan yang memerintahkan, komandan kategorinya, atau admin yang dapat mengubah pengerahan ini.
callout-reminded = Pengingat dikirim ke { $count } personel.
callout-remind-none = Tidak ada yang menunggu jawaban.
callout-remind-wait = Pengingat baru saja dikirim; mohon tunggu sebentar sebelum mengingatkan lagi.
callout-released = ✅ <b>PENGERAHAN #{ $id } selesai.</b> Terima kasih atas tugas Anda. Anda ditarik kembali ke satuan; status Anda kembali SIAP.
callout-cancelled-person = <b>PENGERAHAN #{ $id } DIBATALKAN.</b> Anda tidak perlu berangkat; bila sudah di jalan atau di lokasi, kembali ke satuan. Status Anda kembali SIAP.

## Arrival

callout-arrived-verified = 📍 Kedatangan tercatat — PENGERAHAN #{ $id } (terverifikasi, { $distance } dari titik lokasi).
callout-arrived-reported = 📍 Kedatangan tercatat — PENGERAHAN #{ $id }.
callout-arrival-outside = Lokasi Anda { $distance } dari titik lokasi tugas (batas { $radius }). Kirim lagi setelah tiba.
callout-arrival-forwarded = Kirim lokasi Anda saat ini dengan tombol <b>📍 Tiba di lokasi</b>, bukan lokasi terusan.

## /pengerahan

callout-list-title = <b>Pengerahan aktif</b>
callout-list-item = #{ $id } { $summary } · { $minutes } mnt
    → { $location }
callout-list-drill = 🟡 LATIHAN
callout-list-empty = Tidak ada pengerahan aktif dalam wewenang Anda.
callout-list-hint = Ketik <code>/pengerahan NOMOR</code> untuk melihat rekapnya, contoh: <code>/pengerahan 12</code>
callout-show-unknown = Pengerahan "{ $value }" tidak ditemukan. Ketik /pengerahan untuk melihat daftar.
callout-show-not-yours = Pengerahan #{ $id } di luar wewenang Anda.
callout-names-accepted = <b>Siap berangkat</b>
callout-names-declined = <b>Berhalangan</b>
callout-names-no-answer = <b>Belum lapor</b>
callout-names-unreachable = <b>Tidak dapat dihubungi</b>
callout-names-person = • { $name } · { $unit } { $mark }
callout-names-arrived = 📍
callout-names-proxy = (dijawab komandan)

callout-batch-title = PENGERAHAN #{ $id } · { $categories }
callout-declined-not-ready = ❌ Anda melaporkan TIDAK SIAP, jadi Anda tercatat berhalangan untuk panggilan PENGERAHAN #{ $id }. Personel lain sudah dipanggil.
