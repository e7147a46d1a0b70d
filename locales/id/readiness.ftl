## Readiness (kesiapan) — Indonesian (reference).

cmd-siap = Nyatakan Anda SIAP
cmd-siap-example = /siap
cmd-tidaksiap = Nyatakan TIDAK SIAP, dengan alasan
cmd-tidaksiap-example = /tidaksiap sakit
cmd-kesiapan = Lihat dan ubah kesiapan Anda
cmd-kesiapan-example = /kesiapan
cmd-cekkesiapan = Minta konfirmasi kesiapan
cmd-cekkesiapan-example = /cekkesiapan BRIMOB 30

## Reasons (shared with apel)

reason-sakit = sakit
reason-izin = izin
reason-cuti = cuti
reason-dik = dik (pendidikan)
reason-dinas-luar = dinas luar
reason-bko = BKO
reason-lainnya = lainnya
reason-button-sakit = Sakit
reason-button-izin = Izin
reason-button-cuti = Cuti
reason-button-dik = Dik
reason-button-dinas-luar = Dinas luar
reason-button-bko = BKO
reason-button-lainnya = Lainnya…

## Own state

readiness-title = <b>Kesiapan Anda</b> — { $name }
readiness-state-none = Belum ada status kesiapan. Pilih di bawah.
readiness-state-siap = ✅ <b>SIAP</b> · dikonfirmasi { $confirmed }
    Berlaku sampai { $until }; setelah itu bot meminta konfirmasi lagi.
readiness-state-stale = ⏳ <b>SIAP, perlu konfirmasi ulang</b>
    Terakhir dikonfirmasi { $confirmed }
readiness-state-tidak-siap = ❌ <b>TIDAK SIAP</b> · { $reason }{ $until ->
        [none] { "" }
       *[other] { " " }· sampai { $until }
    }
readiness-state-ended = ⏳ Masa <b>TIDAK SIAP</b> ({ $reason }) berakhir { $until }. Konfirmasi status Anda.
readiness-state-bertugas = <b>BERTUGAS</b> · pengerahan #{ $callout }
    Status ini diatur oleh pengerahan; Anda tidak perlu mengubahnya.
readiness-button-siap = ✅ Siap
readiness-button-tidak = ❌ Tidak siap
readiness-button-still-siap = ✅ Masih siap
readiness-button-still-tidak = ❌ Masih tidak siap

readiness-now-siap = ✅ Anda <b>SIAP</b> · { $time }
    Bot akan meminta konfirmasi lagi { $next }.
readiness-toast-siap = ✅ SIAP tercatat.
readiness-deployed-unchanged = Anda sedang BERTUGAS pada pengerahan; status ini diatur oleh pengerahan dan tidak diubah.
readiness-pick-reason = Pilih alasan <b>TIDAK SIAP</b>:
readiness-write-reason = ❌ Tercatat <b>TIDAK SIAP</b> (lainnya). Ketik alasan singkat sebagai balasan di chat ini.
readiness-now-tidak-siap = ❌ Tercatat <b>TIDAK SIAP</b> ({ $reason }) · { $time }.
    Sampai kapan?
readiness-until-today = Hari ini
readiness-until-tomorrow = Besok
readiness-until-3d = 3 hari
readiness-until-none = Belum tahu
readiness-until-saved = Tercatat.
readiness-until-set = ❌ <b>TIDAK SIAP</b> ({ $reason }) sampai { $until }. Saat itu bot meminta Anda mengonfirmasi lagi.
readiness-until-open = ❌ <b>TIDAK SIAP</b> ({ $reason }), tanpa batas waktu. Kirim /siap bila sudah siap.
readiness-until-not-applicable = Status Anda bukan TIDAK SIAP lagi; tidak ada yang diubah.
readiness-unknown-reason = Alasan "{ $value }" tidak dikenal. Pilih: sakit, izin, cuti, dik, dinas luar (DL), BKO, atau lainnya. Contoh: <code>/tidaksiap sakit</code> atau <code>/tidaksiap lainnya urusan keluarga</code>. Atau ketik /tidaksiap saja untuk memilih dengan tombol.
readiness-private-only = Status kesiapan diatur di chat pribadi dengan bot.
readiness-no-person = Akun ini tidak terhubung dengan data personel, jadi tidak punya status kesiapan.

## Asking again

readiness-ask-stale = ⏳ <b>Konfirmasi kesiapan</b>
    Status SIAP Anda terakhir dikonfirmasi { $confirmed }. Apakah Anda masih SIAP?
readiness-ask-ended = ⏳ <b>Konfirmasi kesiapan</b>
    Masa TIDAK SIAP Anda ({ $reason }) berakhir { $until }. Apakah Anda sudah SIAP?
