## Flood control (handlers/gate.py): a person sending too much too fast.

flood-slow-down = ⏳ Mohon pelan-pelan: Anda mengirim terlalu banyak pesan dalam waktu singkat. Tunggu beberapa detik, lalu kirim lagi. Pesan yang masuk selama itu tidak diproses.
flood-slow-down-short = ⏳ Terlalu cepat. Tunggu beberapa detik, lalu coba lagi.

## The ops chat (SIAGA_OPS_CHAT_ID): what an operator must hear of at once.

ops-error = Kesalahan Siaga: <code>{ $summary }</code>
ops-updates-not-saved = 🚨 Siaga tidak dapat menyimpan pesan masuk: { $problem ->
        [locked] basis data dikunci proses lain.
        [full] basis data atau disknya penuh. Kosongkan ruang disk.
       *[other] kesalahan basis data ({ $error }).
    } Tidak ada yang hilang: Telegram menahan pesan-pesan itu dan Siaga memprosesnya begitu masalah ini teratasi, tetapi sampai saat itu tidak ada yang dijawab.
ops-updates-saved-again = ✅ Siaga kembali dapat menyimpan pesan masuk; pesan yang tertahan sedang diproses.
