## Simulator lokal (python -m bot simulate): baris garis waktu dan ringkasan — referensi.

sim-header = Simulasi Siaga: { $personnel } personel dalam { $categories } kategori · latensi Bot API { $latency } ms · jam simulasi hingga { $speed }× · benih { $seed }
sim-clock-note = Kolom pertama: waktu simulasi sejak awal fase; [dalam kurung]: waktu nyata sejak simulasi mulai. Jam simulasi berjalan hingga { $speed }× lebih cepat saat bot menganggur, dan seperti waktu nyata selama pesan masih antre ke Telegram atau pembaruan belum diproses.
sim-setup = Roster dan database siap dalam { $seconds } dtk: semua personel terdaftar di bot dan SIAP; { $blocked } pernah memblokir bot. Malam pemungutan suara, mulai { $start }.

## Apel

sim-apel-phase = — APEL SEMUA PERSONEL ({ $minutes } menit) —
sim-order = komandan: { $command }
sim-apel-opened = apel #{ $id } dibuka: { $called } dipanggil, ditutup { $time }
sim-apel-all-sent = semua prompt terkirim: { $count } dalam { $seconds } dtk nyata ({ $rate } pesan/dtk)
sim-first-answer = jawaban pertama masuk
sim-apel-share = hadir { $share }%: { $yes }
sim-apel-progress = terkirim { $sent }/{ $called } · hadir { $yes } · tidak hadir { $no } · belum lapor { $pending }
sim-apel-reminders = pengingat sampai { $count } kali ke yang belum lapor
sim-apel-closed = apel #{ $id } ditutup: { $yes } hadir, { $no } tidak hadir, { $pending } belum lapor (🚫 { $unreachable } tidak dapat dihubungi)
sim-reasons = alasan tidak hadir: { $reasons }
sim-reason-count = { $reason } { $count }
sim-reason-sakit = sakit
sim-reason-izin = izin
sim-reason-cuti = cuti
sim-reason-dik = dik
sim-reason-dinas-luar = dinas luar
sim-reason-bko = BKO
sim-reason-lainnya = lainnya

## Pengerahan

sim-callout-quota-cut = (roster kecil: { $category } hanya { $strength } personel, kuota { $requested } diturunkan ke { $quota } agar ada pengganti)
sim-callout-phase = — PENGERAHAN { $category } { $quota } —
sim-callout-sent = pengerahan #{ $id } dikirim: { $category } kuota { $quota }
sim-callout-invited = panggilan terkirim { $count }
sim-callout-first-accept = jawaban "siap berangkat" pertama
sim-callout-lapsed = { $count } tidak menjawab sebelum batas jawab ({ $minutes } menit) → diingatkan dan diganti
sim-callout-filled = kuota terpenuhi { $accepted }/{ $quota }
sim-callout-stood-down = { $count } tidak jadi diberangkatkan: kuota sudah penuh sebelum mereka menjawab
sim-callout-first-arrival = kedatangan pertama di lokasi (📍 terverifikasi)
sim-callout-progress = siap berangkat { $accepted }/{ $quota } · berhalangan { $declined } · menunggu { $waiting } · dipanggil { $invited } · tiba { $arrived }
sim-callout-all-arrived = semua yang berangkat sudah tiba ({ $arrived }); komandan menekan Selesai
sim-callout-time-up = { $minutes } menit berlalu; komandan menekan Selesai
sim-callout-completed = pengerahan #{ $id } selesai; yang bertugas kembali SIAP

## Ringkasan

sim-summary-title = RINGKASAN
sim-summary-apel = Apel #{ $id }: { $called } dipanggil; { $delivered } prompt sampai dalam { $seconds } dtk nyata (paling cepat yang diizinkan batas Telegram { $limit } pesan/dtk: { $floor } dtk).
sim-summary-apel-answers = Jawaban apel: hadir { $yes } · tidak hadir { $no } · belum lapor { $pending } (🚫 { $unreachable } tidak dapat dihubungi) · pengingat { $reminders }.
sim-summary-callout-filled = Pengerahan: kuota terpenuhi { $elapsed } (waktu simulasi) setelah panggilan dikirim.
sim-summary-callout-short = Pengerahan: kuota TIDAK terpenuhi — { $accepted }/{ $quota } siap berangkat.
sim-summary-callout-first-wave = { $count } panggilan pertama sampai dalam { $seconds } dtk nyata setelah Kirim ditekan.
sim-summary-callout = Pengerahan #{ $id } ({ $category }, kuota { $quota }): dipanggil { $invited } · siap berangkat { $accepted } · berhalangan { $declined } · belum lapor { $no_answer } · tidak jadi diberangkatkan { $stood_down } · tiba { $arrived }.
sim-summary-telegram = Telegram: { $messages } pesan, { $edits } suntingan, { $answers } jawaban tombol · 429: { $floods }.
sim-summary-spec = Setiap permintaan ke Bot API diperiksa terhadap spesifikasi { $version }: { $violations } pelanggaran.
sim-summary-spec-unchecked = Permintaan ke Bot API tidak diperiksa terhadap spesifikasinya.
sim-summary-time = Waktu nyata { $real } untuk { $simulated } waktu simulasi.
