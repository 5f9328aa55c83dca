// Package corpus holds text that people write, in many scripts, for
// tests: what every channel must carry unchanged.
package corpus

// Scripts is a corpus of real sentences, one or more per script, as
// people type them (in NFC): joiners and non-joiners where the script
// uses them, and emoji sequences. Every one must come out of
// inbox.Sanitize byte for byte; fuzz tests of anything that carries
// visitors' text can seed from it.
var Scripts = map[string]string{
	"Arabic":     "مرحبا، أود التحدث معك بخصوص وظيفة مهندس برمجيات.",
	"Persian":    "این کتاب\u200cها را می\u200cخواهم؛ خیلی ممنون از وقتی که گذاشتید.",
	"Hebrew":     "שלום! אשמח לשוחח איתך על משרה בצוות שלנו.",
	"Devanagari": "नमस्ते, मैं आपकी टीम में काम करना चाहूँगा। संयुक्ताक्षर: क्ष, त्र, ज्ञ, श्र; आधा रूप क्\u200dष और हलन्त क्\u200cष।",
	"Bengali":    "আমি আপনার সাথে কাজ করতে চাই। র\u200d্যাব, ক্ষমা আর বিজ্ঞান।",
	"Tamil":      "வணக்கம், உங்களுடன் பணியாற்ற விரும்புகிறேன். ஸ்ரீ",
	"Sinhala":    "ශ්\u200dරී ලංකාවේ සිට ආයුබෝවන්!",
	"Malayalam":  "നമസ്കാരം, എനിക്ക് നിങ്ങളോടൊപ്പം പ്രവർത്തിക്കണം.",
	"Thai":       "สวัสดีครับ ผมอยากร่วมงานกับคุณ ขอบคุณมากครับ",
	"Khmer":      "សួស្តី\u200bខ្ញុំ\u200bចង់\u200bធ្វើការ\u200bជាមួយ\u200bអ្នក។",
	"Myanmar":    "မင်္ဂလာပါ၊ သင်နှင့်အတူ အလုပ်လုပ်ချင်ပါတယ်။",
	"Chinese":    "你好，我想和你谈谈这个职位。謝謝！",
	"Japanese":   "こんにちは、ポートフォリオを拝見しました。ｶﾀｶﾅも。",
	"Korean":     "안녕하세요, 함께 일하고 싶습니다.",
	"Vietnamese": "Xin chào, tôi muốn trao đổi với bạn về công việc. Đặng Thị Ánh.",
	"Georgian":   "გამარჯობა, მინდა თქვენთან ერთად ვიმუშაო.",
	"Amharic":    "ሰላም፣ እንዴት ነህ? አብሮ መስራት እፈልጋለሁ።",
	"Russian":    "Здравствуйте! Хотел бы обсудить вакансию. Ќ, ё, й.",
	"Greek":      "Γεια σας! Θα ήθελα να συζητήσουμε τη θέση.",
	"Emoji":      "Family 👨\u200d👩\u200d👧, 🏳\ufe0f\u200d🌈, 👋🏽, #\ufe0f\u20e3, ❤\ufe0f\u200d🔥, 🇯🇵, 🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F, 🧑🏾\u200d💻.",
}
