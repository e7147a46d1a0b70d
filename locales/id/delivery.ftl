## Delivery engine: who could not be reached, and how far a batch has got.

# To the commander who owns a batch; a notice lists up to 25 people, then a new one starts.
delivery-unreachable-title = 🚫 <b>Tidak dapat dihubungi</b> ({ $count } personel)
    { $batch }
delivery-unreachable-person = • { $name } · { $unit }
    { $phone } — { $reason }
delivery-unreachable-chat = • chat { $chat } — { $reason }
delivery-unreachable-footer = Hubungi lewat radio atau telepon.

delivery-reason-blocked = memblokir bot
delivery-reason-deactivated = akun Telegram dihapus
delivery-reason-kicked = bot dikeluarkan dari grup
delivery-reason-not-found = belum pernah membuka bot
delivery-reason-other = ditolak Telegram

# Batch progress, e.g. "Terkirim 2.100 / 3.294 · selesai ±40 dtk".
delivery-progress = Terkirim { $sent } / { $total } · selesai ±{ $eta }
delivery-progress-done = Terkirim { $sent } / { $total }
delivery-progress-done-failed = Terkirim { $sent } / { $total } · { $failed } gagal
delivery-eta-seconds = { $n } dtk
delivery-eta-minutes = { $n } mnt
