## Flood control (handlers/gate.py): a person sending too much too fast.

flood-slow-down = ⏳ Mohon pelan-pelan: Anda mengirim terlalu banyak pesan dalam waktu singkat. Tunggu beberapa detik, lalu kirim lagi. Pesan yang masuk selama itu tidak diproses.
flood-slow-down-short = ⏳ Terlalu cepat. Tunggu beberapa detik, lalu coba lagi.
