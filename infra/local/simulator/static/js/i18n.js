// The phone's own words (LINE's app is in the citizen's language); the bot's words come from the stack.

const WORDS = {
  th: {
    follow: "เพิ่มเพื่อน", block: "บล็อก", unblock: "เลิกบล็อก", remove: "ปิด", removeLabel: "ลบพลเมืองนี้ออกจากหน้า",
    message: "ข้อความ", placeholder: "พิมพ์ข้อความ", send: "ส่ง", more: "เพิ่มเติม: รูปภาพ สถานที่",
    photo: "รูปภาพ", place: "แชร์ตำแหน่ง", menu: "เมนู", quickReplies: "ตอบกลับด่วน", richMenu: "ริชเมนู",
    messages: "ข้อความในแชต", loading: "กำลังพิมพ์…", free: "ฟรี", billed: "คิดเงิน",
    notFriend: "ยังไม่ได้เป็นเพื่อน แตะ “เพิ่มเพื่อน” เพื่อเริ่ม", blocked: "คุณบล็อกบัญชีนี้แล้ว",
    followed: "คุณเพิ่มเพื่อนแล้ว", unblocked: "คุณเลิกบล็อกแล้ว", failed: "ส่งไม่สำเร็จ", tapped: "แตะ",
    pick: { date: "เลือกวันที่", time: "เลือกเวลา", datetime: "เลือกวันและเวลา" }, sent: "ส่งแล้ว",
    opens: "เปิดลิงก์", cannotOpen: "ลิงก์นี้เปิดในแอป LINE เท่านั้น", as: "ในฐานะ",
  },
  en: {
    follow: "Add friend", block: "Block", unblock: "Unblock", remove: "Close", removeLabel: "Remove this citizen from the page",
    message: "Message", placeholder: "Type a message", send: "Send", more: "More: photo, place",
    photo: "Photo", place: "Share location", menu: "Menu", quickReplies: "Quick replies", richMenu: "Rich menu",
    messages: "Chat messages", loading: "Typing…", free: "free", billed: "billed",
    notFriend: "Not friends yet: tap “Add friend” to start", blocked: "You blocked this account",
    followed: "You added the account as a friend", unblocked: "You unblocked the account", failed: "Not sent",
    tapped: "Tapped", pick: { date: "Pick a date", time: "Pick a time", datetime: "Pick a date and time" },
    sent: "Sent", opens: "Opens", cannotOpen: "This link opens only in the LINE app", as: "as",
  },
};

export function words(lang) {
  return WORDS[lang] || WORDS.th;
}
