from django.http import HttpResponse


def enterprise_list(request):
    return HttpResponse("stub")


def enterprise_detail(request, pk):
    return HttpResponse("stub")


def report_list(request):
    return HttpResponse("stub")
