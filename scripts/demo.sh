#!/bin/sh
# demo.sh: fills a running dinhd with a demo commune, through the real
# protocol: the people of a commune office (chair, vice-chair, clerk,
# officer, one-stop desk, secretary) and two village halls, each with an
# identity in DATA/demo/ (passwords in DATA/demo/passwords, mode 0600);
# incoming documents registered and assigned (one overdue, one due soon),
# an outgoing draft approved, dossiers filed at the desk and online, and a
# meeting published to both halls with its agenda and two documents.
# Run once; a second run only prints how to use what is there.
#
# usage: scripts/demo.sh DATA_DIR ADDR:PORT   (as the user who owns DATA_DIR)
set -eu
cd "$(dirname "$0")/.."
DATA=$1
ADDR=$2
DINH=${DINH:-clients/dinh}
DEMO=$DATA/demo

usage_note() {
	cat <<MSG

Demo commune in $DEMO (passwords in $DEMO/passwords). For example, the clerk:

    DINH_PASSWORD=\$(sed -n 's/^van-thu //p' $DEMO/passwords) \\
        $DINH --server $ADDR --ca $DATA/ca/ca.pem --identity $DEMO/van-thu.p12 doc inbox

and, with the officer's or the desk's identity (can-bo, mot-cua), 'doc inbox overdue',
'doc search ho so', 'doc register den 2026-01-01 2026-12-31', 'doc stats 2026-01-01 2026-12-31'.
A village hall follows the demo meeting ('meeting list' shows its id) with:

    DINH_PASSWORD=\$(sed -n 's/^thon-dong //p' $DEMO/passwords) \\
        clients/dinh-hall --server $ADDR --ca $DATA/ca/ca.pem --identity $DEMO/thon-dong.p12 \\
        --meeting ID --cache /tmp/thon-dong
MSG
}

if [ -f "$DEMO/done" ]; then
	echo "demo.sh: the demo commune is already there"
	usage_note
	exit 0
fi
umask 077
mkdir -p "$DEMO"
: >"$DEMO/passwords"

# enrol LABEL NAME ROLES|hall: an identity DEMO/LABEL.p12; prints the server's id.
enrol() {
	pw=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
	if [ "$3" = hall ]; then
		out=$(DINH_NEW_PASSWORD=$pw $DINH --data-dir "$DATA" hall add "$2" --out "$DEMO/$1.p12")
	else
		out=$(DINH_NEW_PASSWORD=$pw $DINH --data-dir "$DATA" user add "$2" --roles "$3" \
			--out "$DEMO/$1.p12")
	fi
	echo "$1 $pw" >>"$DEMO/passwords"
	echo "$out" | sed -n 's/^Enrolled .* as \([^ ]*\) (certificate.*/\1/p'
}

CHAIR=$(enrol chu-tich "Nguyễn Văn An" chair)
VICE=$(enrol pho-chu-tich "Lê Thị Hoa" vice-chair)
enrol van-thu "Trần Thị Bình" clerk >/dev/null
OFFICER=$(enrol can-bo "Phạm Văn Cường" officer)
enrol mot-cua "Hoàng Thị Dung" desk >/dev/null
SECRETARY=$(enrol thu-ky "Đỗ Thị Mai" secretary)
HALL1=$(enrol thon-dong "Nhà văn hóa thôn Đông" hall)
HALL2=$(enrol thon-doai "Nhà văn hóa thôn Đoài" hall)
[ -n "$CHAIR" ] && [ -n "$OFFICER" ] || { echo "demo.sh: enrolment failed" >&2; exit 1; }

# as LABEL ARGS...: runs dinh as the person LABEL; prints its output.
as() {
	who=$1
	shift
	DINH_PASSWORD=$(sed -n "s/^$who //p" "$DEMO/passwords") \
		$DINH --server "$ADDR" --ca "$DATA/ca/ca.pem" --identity "$DEMO/$who.p12" "$@"
}
new_id() { sed -n 's/^\([0-9]\{4\}-[a-z]*-[0-9]*\):.*/\1/p' | head -n 1; }

TODAY=$(date -u -d '+7 hours' +%F)
SOON=$(date -u -d '+7 hours +1 day' +%F)
LATE=$(date -u -d '+7 hours -3 days' +%F)

# Incoming: registered and assigned (due soon; overdue), one just received.
d1=$(as van-thu doc create incoming --field "Subject=Về việc phòng, chống hạn hán vụ Đông Xuân" \
	--field "OrganName=UBND huyện Mẫu Sơn" --field "TypeName=Công văn" | new_id)
as van-thu doc act "$d1" register --field CodeNumber=125/UBND-NN --field "IssuedDate=$TODAY" >/dev/null
as chu-tich doc act "$d1" assign --lead "$OFFICER" --due "$SOON" \
	--note "Giao công chức địa chính - nông nghiệp chủ trì, báo cáo trước hạn." >/dev/null
d2=$(as van-thu doc create incoming --field "Subject=Về việc rà soát hộ nghèo, hộ cận nghèo năm 2026" \
	--field "OrganName=Phòng Lao động - Thương binh và Xã hội" --field "TypeName=Công văn" | new_id)
as van-thu doc act "$d2" register --field CodeNumber=48/LĐTBXH --field "IssuedDate=$LATE" >/dev/null
as chu-tich doc act "$d2" assign --lead "$OFFICER" --due "$LATE" >/dev/null
as van-thu doc create incoming --field "Subject=Kế hoạch tổ chức Ngày hội Đại đoàn kết toàn dân tộc" \
	--field "OrganName=Ủy ban MTTQ huyện" --field "TypeName=Kế hoạch" >/dev/null

# Outgoing: a report drafted by the officer, approved by the chair.
d4=$(as can-bo doc create outgoing --field "Subject=Báo cáo kết quả xây dựng nông thôn mới năm 2026" \
	--field TypeAbbr=BC --field "TypeName=Báo cáo" | new_id)
as chu-tich doc act "$d4" approve >/dev/null

# Dossiers at the one-stop desk: received (two online), one handed over.
for spec in "khai-sinh:Hoàng Văn Em:online" "tam-tru:Vi Thị Lan:desk" \
	"chung-thuc-ban-sao:Nông Văn Bảy:online"; do
	proc=${spec%%:*}
	rest=${spec#*:}
	who=${rest%%:*}
	chan=${rest#*:}
	d=$(as mot-cua doc create dossier --field "ProcedureId=$proc" --field "Applicant=$who" \
		--field "Channel=$chan" --field "Subject=Hồ sơ của $who" | new_id)
	as mot-cua doc act "$d" receive >/dev/null
	[ "$proc" = khai-sinh ] && as mot-cua doc act "$d" start >/dev/null
done

# A meeting of the commune office with both halls, published: its pack
# (the agenda and two documents) waits for the halls (dinh-hall).
$DINH pdf gen agenda tests/fuzz/corpus/genxml/agenda.xml "$DEMO/ke-hoach.pdf" >/dev/null
$DINH pdf gen minutes tests/fuzz/corpus/genxml/minutes.xml "$DEMO/bao-cao.pdf" >/dev/null
cat >"$DEMO/hop.xml" <<XML
<meeting title="Họp giao ban UBND xã tháng $(date -u -d '+7 hours' +%-m)" start="$SOON 08:00"
	 end="$SOON 11:00" place="Hội trường UBND xã" chair="$CHAIR" secretary="$SECRETARY">
  <member id="$CHAIR"/><member id="$VICE"/><member id="$OFFICER"/><member id="$SECRETARY"/>
  <member id="$HALL1"/><member id="$HALL2"/>
  <item title="Báo cáo kết quả công tác tháng" presenter="$OFFICER" time="08:00">
    <doc file="bao-cao.pdf" name="bao-cao-thang.pdf"/>
  </item>
  <item title="Kế hoạch tháng tới" time="09:30"><doc file="ke-hoach.pdf" name="ke-hoach.pdf"/></item>
</meeting>
XML
m=$(as thu-ky meeting create "$DEMO/hop.xml" | sed -n 's/^meeting=//p')
as thu-ky meeting publish "$m" >/dev/null

echo "demo commune made on $TODAY" >"$DEMO/done"
echo "demo.sh: 6 people, 2 village halls, 4 documents, 3 dossiers and meeting $m"
usage_note
